/**
 * Overrides on top of a profile, as the launch scripts take them (`--gpu H100_PCIE --gpus 4 --disk 128
 * --image … --branch main --env K=V`): the result is validated again by the profile schema, so an override
 * cannot slip past a rule the file would enforce (an inline secret, a disk below the needs).
 */
import * as z from 'zod';
import { profileSchema, type Profile } from './schema.js';
import { isSecretName, looksLikeToken } from './secrets.js';
import { describeProfileIssue } from './load.js';
import { sameGpuName } from './rules.js';

/** What the command line overrides. */
export interface ProfileOverrides {
  /** GPU name, Vast's spelling with _ or spaces ("H100_PCIE"). */
  gpu?: string;
  gpus?: number;
  diskGb?: number;
  image?: string;
  /** Git ref for a structured onstart's clone. */
  branch?: string;
  /** `K=V` (a plain value) or `K` (read from your environment at provision time, like { fromEnv: K }). */
  env?: string[];
}

/** An override that cannot be applied; one line naming the flag. */
export class OverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverrideError';
  }
}

// A clause of the query text on one field, in the official CLI's syntax (vast/offer-query.ts CLAUSE).
const clause = (field: string) =>
  new RegExp(
    `\\b${field}\\s*(>=|<=|!=|==|=|>|<|\\s(?:notin|nin|in|neq|eq|gte|gt|lte|lt)\\s)\\s*(\\[[^\\]]*\\]|"[^"]*"|\\S+)`,
    'g',
  );

/** Replaces every clause on `field` in a query text with `replacement`. */
function replaceClause(query: string, field: string, replacement: string): string {
  return `${query.replace(clause(field), '').replace(/\s+/g, ' ').trim()} ${replacement}`.trim();
}

/** The profile with the overrides applied, and one line per override for the dry run. */
export function applyOverrides(base: Profile, o: ProfileOverrides): { profile: Profile; applied: string[] } {
  const p: Profile = structuredClone(base);
  const applied: string[] = [];
  if (o.gpu !== undefined) {
    const name = o.gpu.trim();
    if (!/^[\w .-]+$/.test(name))
      throw new OverrideError(`--gpu "${o.gpu}": expected a GPU name like H100_PCIE or "RTX 4090"`);
    const wire = name.replace(/\s+/g, '_');
    p.search.query = replaceClause(p.search.query, 'gpu_name', `gpu_name=${wire}`);
    // The override is explicit: a GPU excluded by the profile's search preferences is searched anyway (rules still
    // refuse).
    p.excludeGpus = p.excludeGpus.filter((g) => !sameGpuName(g, wire));
    applied.push(`--gpu ${wire}: search gpu_name=${wire}`);
  }
  if (o.gpus !== undefined) {
    if (!(Number.isInteger(o.gpus) && o.gpus >= 1 && o.gpus <= 16))
      throw new OverrideError(`--gpus must be a whole number from 1 to 16 (got ${o.gpus})`);
    p.search.query = replaceClause(p.search.query, 'num_gpus', `num_gpus=${o.gpus}`);
    applied.push(`--gpus ${o.gpus}: search num_gpus=${o.gpus}`);
  }
  if (o.diskGb !== undefined) {
    p.diskGb = o.diskGb;
    applied.push(`--disk ${o.diskGb}: disk ${o.diskGb} GB`);
  }
  if (o.image !== undefined) {
    p.image = o.image;
    // The CUDA version followed the old image; the new one's tag says its own.
    delete p.cuda;
    applied.push(`--image ${o.image}`);
  }
  if (o.branch !== undefined) {
    if (!p.onstart || !('repo' in p.onstart))
      throw new OverrideError(
        '--branch needs a profile whose onstart clones a repo (onstart: {repo, ref, …}); this one has none or a script',
      );
    p.onstart = { ...p.onstart, ref: o.branch };
    applied.push(`--branch ${o.branch}: clone ref ${o.branch}`);
  }
  for (const kv of o.env ?? []) {
    const eq = kv.indexOf('=');
    const name = eq < 0 ? kv : kv.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new OverrideError(`--env "${kv.slice(0, 40)}": expected NAME=VALUE or NAME`);
    if (eq < 0) {
      p.env[name] = { fromEnv: name };
      applied.push(`--env ${name}: from your environment`);
      continue;
    }
    const value = kv.slice(eq + 1);
    if (looksLikeToken(value) || isSecretName(name)) {
      throw new OverrideError(
        `--env ${name}=…: looks like a secret on the command line; export it and pass --env ${name} (read from ` +
          `your environment), or reference it in the profile`,
      );
    }
    p.env[name] = value;
    applied.push(`--env ${name}=${value}`);
  }
  const checked = profileSchema.safeParse(p);
  if (!checked.success) {
    const line = describeProfileIssue(new z.ZodError(checked.error.issues));
    throw new OverrideError(
      `the profile with ${applied.map((a) => a.split(':')[0]).join(' ') || 'these overrides'} is not valid: ${line}`,
    );
  }
  return { profile: { ...checked.data, rules: p.rules }, applied };
}
