/**
 * Instance labels: the profile's template (`mosaic-{model}-{gpu_type}` → `mosaic-gpt2-4x3090`) plus a nonce
 * tag. The nonce is what lets provisioning find its own rental again after a create whose answer was lost.
 */
import { randomBytes } from 'node:crypto';

/** Separates the templated label from the nonce tag, e.g. "mosaic-gpt2-4x3090#k3f9a2c1". */
export const NONCE_SEP = '#';

/** Short GPU type for labels: 4 × "RTX 3090" → "4x3090", 8 × "H100 SXM" → "8xh100sxm". */
export function gpuType(numGpus: number, gpuName: string): string {
  const short = gpuName
    .replace(/^(NVIDIA\s+)?(GeForce\s+)?(RTX\s+|Tesla\s+)?/i, '')
    .replace(/[^A-Za-z0-9]+/g, '')
    .toLowerCase();
  return `${numGpus}x${short || 'gpu'}`;
}

/**
 * Fills a label template. Known fields: {model}, {gpu_type}, {gpu}, {num_gpus}, {profile}; an unknown one is kept as
 * written.
 */
export function renderLabel(
  template: string,
  vars: { model: string; profile?: string; numGpus: number; gpuName: string },
): string {
  const values: Record<string, string> = {
    model: vars.model,
    profile: vars.profile ?? vars.model,
    gpu_type: gpuType(vars.numGpus, vars.gpuName),
    gpu: vars.gpuName.replace(/\s+/g, ''),
    num_gpus: String(vars.numGpus),
  };
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** A fresh nonce: 8 lowercase base-36 characters from the OS's random source. */
export function newNonce(): string {
  const bytes = randomBytes(8);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return out;
}

/** The label with its nonce tag. */
export function withNonce(label: string, nonce: string): string {
  return `${label}${NONCE_SEP}${nonce}`;
}

/** vastdeck's nonce on an instance: the VASTDECK_NONCE env entry (Instance.nonce), or an older rental's label tag. */
export function instanceNonce(inst: { nonce?: string | null; label: string | null }): string | null {
  return inst.nonce ?? splitNonce(inst.label).nonce;
}

/** Splits a label into template part and nonce; nonce is null for labels vastdeck did not tag. */
export function splitNonce(label: string | null): { base: string; nonce: string | null } {
  if (!label) return { base: '', nonce: null };
  const i = label.lastIndexOf(NONCE_SEP);
  if (i < 0 || !/^[a-z0-9]{8}$/.test(label.slice(i + 1))) return { base: label, nonce: null };
  return { base: label.slice(0, i), nonce: label.slice(i + 1) };
}
