import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { homeDir } from './paths.js';

/** Where an API key came from; shown to the user instead of the key itself. */
export type KeySource = '--api-key' | 'VAST_API_KEY' | string;

/** A resolved API key. `key` is a secret: never print it, only `source`. */
export interface ResolvedKey {
  key: string;
  source: KeySource;
}

/**
 * Finds the Vast.ai API key in the same order as the official CLI (vast-api.md §1): --api-key, then
 * VAST_API_KEY, then $XDG_CONFIG_HOME/vastai/vast_api_key (when XDG_CONFIG_HOME is set), then
 * ~/.config/vastai/vast_api_key, then the legacy ~/.vast_api_key. Returns null when none.
 */
export async function resolveApiKey(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedKey | null> {
  if (flag?.trim()) return { key: flag.trim(), source: '--api-key' };
  if (env.VAST_API_KEY?.trim()) return { key: env.VAST_API_KEY.trim(), source: 'VAST_API_KEY' };
  const home = homeDir(env);
  const files = [path.join(home, '.config', 'vastai', 'vast_api_key'), path.join(home, '.vast_api_key')];
  if (env.XDG_CONFIG_HOME) files.unshift(path.join(env.XDG_CONFIG_HOME, 'vastai', 'vast_api_key'));
  for (const file of files) {
    const key = await readKeyFile(file);
    if (key) return { key, source: file };
  }
  return null;
}

async function readKeyFile(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text || null;
  } catch {
    // A missing or unreadable key file just means "try the next source", as the official CLI does.
    return null;
  }
}

/** The base URL: --api-url, then VAST_URL, then Vast's own. */
export function resolveApiUrl(
  flag: string | undefined,
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return (flag || env.VAST_URL || configured || 'https://console.vast.ai').replace(/\/+$/, '');
}
