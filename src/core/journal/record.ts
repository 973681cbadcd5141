/**
 * The journal's record schema and the scrubbing that keeps secrets out of it. Every provision, destroy and
 * migration step is written before and after it happens (SAFETY.md rule 6), so after a crash the journal says what
 * may have happened on Vast. It must never hold a secret: env values, tokens and keys are stripped here.
 */
import * as z from 'zod';
import { isSecretName, looksLikeToken } from '../profiles/secrets.js';
import { cutSecrets } from '../util/redact.js';
import { lazy } from '../util/lazy.js';

/** Ids a record may name. Built on first use (lazy): every command's services import the journal, few write it. */
const idsSchema = () =>
  z.object({
    instanceId: z.number().int().optional(),
    offerId: z.number().int().optional(),
    nonce: z.string().optional(),
    label: z.string().optional(),
    runId: z.string().optional(),
  });

const buildRecordSchema = () =>
  z.object({
    /** Epoch ms. */
    ts: z.number(),
    /** What operation, e.g. "provision.create", "provision.destroy". */
    op: z.string().min(1),
    phase: z.enum(['before', 'after', 'error']),
    ids: idsSchema().default({}),
    details: z.record(z.string(), z.unknown()).default({}),
  });

/** One journal line. */
export const journalRecordSchema = lazy(buildRecordSchema);

/** A journal record. */
export type JournalRecord = z.infer<typeof journalRecordSchema>;
/** A record as callers hand it in; ts is filled in by the journal when absent. */
export type JournalInput = Omit<z.input<typeof journalRecordSchema>, 'ts'> & { ts?: number };

/** What replaces a secret value. */
export const MASK = '*****';

/**
 * Deep copy of `value` with secrets removed: every value under an `env` key is masked (env values may be
 * secrets whatever their name), values under secret-sounding keys are masked, token-shaped strings are masked,
 * and any string in `secrets` is cut out wherever it appears.
 */
export function scrub(value: unknown, secrets: readonly string[] = [], underEnv = false, depth = 0): unknown {
  if (depth > 20) return '[too deep]';
  if (typeof value === 'string') {
    if (underEnv || looksLikeToken(value)) return MASK;
    return cutSecrets(value, secrets, MASK, 4);
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, underEnv, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretName(k) && (typeof v === 'string' || typeof v === 'number')) out[k] = MASK;
      else out[k] = scrub(v, secrets, underEnv || /^(env|extra_env|envVars|environment)$/i.test(k), depth + 1);
    }
    return out;
  }
  return value;
}
