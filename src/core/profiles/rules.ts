/**
 * Checking a profile (after overrides) and an offer against the profile's rules: minimum disk for its kind,
 * config files never to use, GPUs to refuse. Pure; the CLI's dry run and provision, and the TUI's confirmation,
 * refuse on any violation with these lines.
 */
import type { Profile } from './schema.js';

/** Vast spells GPU names with spaces on the wire and underscores in queries: compare without either. */
export function sameGpuName(a: string, b: string): boolean {
  const n = (s: string) => s.toLowerCase().replace(/[\s_]+/g, '');
  return n(a) === n(b);
}

/** The texts of a profile that name a config file: the structured onstart's config, the script, the resume command. */
function configTexts(p: Profile): string[] {
  const out: string[] = [];
  if (p.onstart && 'config' in p.onstart) out.push(p.onstart.config, p.onstart.train);
  if (p.onstart && 'script' in p.onstart) out.push(p.onstart.script);
  if (p.resume) out.push(p.resume);
  return out;
}

/**
 * True when `text` mentions the config `rule` as a whole path component ("mosaic_small.yaml" ≠
 * "mosaic_small_resume.yaml").
 */
function mentions(text: string, rule: string): boolean {
  const esc = rule.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s/='"])${esc}($|[\\s'"])`).test(text);
}

/** Every rule the profile (and the offer, when given) breaks, one line each; empty when all hold. */
export function ruleViolations(p: Profile, offer?: { gpuName: string }): string[] {
  const r = p.rules;
  if (!r) return [];
  const kind = p.kind ? ` for ${p.kind}` : '';
  const out: string[] = [];
  if (r.minDiskGb !== undefined && p.diskGb < r.minDiskGb)
    out.push(`disk ${p.diskGb} GB is below the rule's ${r.minDiskGb} GB${kind}; pass --disk ${r.minDiskGb} or more`);
  for (const cfg of r.neverConfigs) {
    if (configTexts(p).some((t) => mentions(t, cfg)))
      out.push(`config ${cfg} must never be used${kind} (profile rule)`);
  }
  if (offer && r.refuseGpus.some((g) => sameGpuName(g, offer.gpuName)))
    out.push(`${offer.gpuName} is refused${kind} (profile rule)`);
  return out;
}
