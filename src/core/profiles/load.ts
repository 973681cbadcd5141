/**
 * Loading instance_profiles.yaml: YAML → zod → named profiles, with one-line errors that name the file,
 * the profile, the field and what was expected (never a stack trace).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type * as z from 'zod';
import { configDir } from '../config/paths.js';
import { profilesFileSchema, type Profile, type ProfileRules } from './schema.js';

/** A profiles file problem; the message is one line naming file, profile and field. */
export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** Default location: instance_profiles.yaml in the config dir. */
export function defaultProfilesPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'instance_profiles.yaml');
}

/** Parses and validates the profiles file's text; `file` is only used in messages. */
export function parseProfiles(text: string, file: string): Record<string, Profile> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    const first = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new ProfileError(`${file}${line ? `:${line}` : ''}: not valid YAML (${first})`);
  }
  const result = profilesFileSchema.safeParse(raw ?? {});
  if (!result.success) throw new ProfileError(`${file}: ${describeProfileIssue(result.error)}`);
  return withKindRules(result.data.profiles, result.data.rules);
}

/** Loads every profile; a missing file is an error that says where it was looked for. */
export async function loadProfiles(file = defaultProfilesPath()): Promise<Record<string, Profile>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new ProfileError(`${file}: no such file; write your profiles there or pass --profiles FILE`);
    throw new ProfileError(`${file}: cannot be read (${code ?? 'error'})`);
  }
  return parseProfiles(text, file);
}

/** Loads one named profile; an unknown name lists the ones that exist. */
export async function loadProfile(name: string, file = defaultProfilesPath()): Promise<Profile> {
  const all = await loadProfiles(file);
  const p = all[name];
  if (!p) {
    const names = Object.keys(all);
    throw new ProfileError(`${file}: no profile "${name}"${names.length ? `; profiles: ${names.join(', ')}` : ''}`);
  }
  return p;
}

/** One line for the first issue: `profile "gpt2": field "min.ramGb": expected number, received string`. */
export function describeProfileIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const more =
    error.issues.length > 1
      ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})`
      : '';
  const p = issue.path.map(String);
  let where: string;
  if (p[0] === 'profiles' && p.length >= 2) {
    const field = p.slice(2);
    where = `profile "${p[1]}"${field.length ? `: field "${field.join('.')}"` : ''}`;
  } else {
    where = p.length ? `field "${p.join('.')}"` : 'top level';
  }
  const msg =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : issue.message.replace(/^Invalid input: /, '');
  return `${where}: ${msg}${more}`;
}

/** Each profile's rules: the file's "*" rules, then its kind's, then its own (minimum disk: the largest wins). */
function withKindRules(
  profiles: Record<string, Profile>,
  byKind: Record<string, ProfileRules>,
): Record<string, Profile> {
  const out: Record<string, Profile> = {};
  for (const [name, p] of Object.entries(profiles)) {
    const layers = [byKind['*'], p.kind === undefined ? undefined : byKind[p.kind], p.rules].filter(
      (r): r is ProfileRules => r !== undefined,
    );
    if (layers.length === 0) {
      out[name] = p;
      continue;
    }
    const mins = layers.flatMap((r) => (r.minDiskGb === undefined ? [] : [r.minDiskGb]));
    out[name] = {
      ...p,
      rules: {
        ...(mins.length ? { minDiskGb: Math.max(...mins) } : {}),
        neverConfigs: [...new Set(layers.flatMap((r) => r.neverConfigs))],
        refuseGpus: [...new Set(layers.flatMap((r) => r.refuseGpus))],
      },
    };
  }
  return out;
}
