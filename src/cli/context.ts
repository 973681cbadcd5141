import { resolveApiKey, resolveApiUrl } from '../core/config/apikey.js';
import { defaultConfigPath, loadConfig, type Config } from '../core/config/config.js';
import type { VastApi } from '../core/vast/api.js';
import type { VastClient } from '../core/vast/client.js';
import { makeServices, type ServicePart, type Services } from '../core/services/services.js';
import { config as zodConfig } from 'zod/mini';
import { registerSecret, UsageError } from './output.js';

/**
 * What a command gets: the shared services (src/core/services: api, clock, checkpoint stores, and the parts P it
 * declared: SSH pools by settings name and identity for 'ssh', the journal for 'journal') over a VastClient, whose
 * every secret is also redacted from the command's output.
 */
export type CliContext<P extends ServicePart = never> = Services<VastClient, P> & {
  /** The same client as `api`. */
  client: VastClient;
  baseUrl: string;
};

/** Global flag values shared by the commands that call the API. */
export interface GlobalFlags {
  'api-url'?: string;
  'api-key'?: string;
  config?: string;
}

/** Config, base URL and key, resolved without loading the HTTP client. */
export interface ResolvedContext {
  config: Config;
  baseUrl: string;
  apiKey: string;
}

/**
 * Zod compiles each object schema into a parser (new Function) on its first parse: worth it in the TUI, which
 * parses its fleet every poll, but ~7 ms lost in a command that parses its config and a page or two of rows once
 * (issue #16, bench/headless.mjs). Every command that gets its config or services through this module parses without
 * it.
 */
function headlessParsing(): void {
  zodConfig({ jitless: true });
}

/** Loads config and the API key. A missing key is a clear error naming where keys are looked for. */
export async function resolveContext(flags: GlobalFlags): Promise<ResolvedContext> {
  const config = await loadConfig(flags.config ?? defaultConfigPath());
  const baseUrl = resolveApiUrl(flags['api-url'], config.apiUrl);
  const resolved = await resolveApiKey(flags['api-key']);
  if (!resolved) {
    throw new UsageError(
      'no Vast.ai API key: pass --api-key, set VAST_API_KEY, or write it to ~/.config/vastai/vast_api_key (or ' +
        'try `vastdeck --demo`)',
    );
  }
  registerSecret(resolved.key);
  return { config, baseUrl, apiKey: resolved.key };
}

/**
 * Refuses an action that changes the account (rent, stop, destroy, label, env vars) when config.yaml says
 * `readOnly: true`: one line naming the setting and the file. Called before anything is loaded or asked.
 */
export async function refuseIfReadOnly(flags: GlobalFlags, action: string): Promise<void> {
  headlessParsing();
  const file = flags.config ?? defaultConfigPath();
  const config = await loadConfig(file);
  if (config.readOnly)
    throw new Error(`read-only: ${action} is off (readOnly: true in ${file}); set readOnly: false there to allow it`);
}

/**
 * Services for what works offline (`migrate --list`/`--abort`): no API key, no config read; `parts` as for
 * makeContext.
 */
export async function localContext<P extends ServicePart = never>(
  parts: readonly P[] = [],
): Promise<Services<VastApi, P>> {
  headlessParsing();
  return makeServices({ onSecret: registerSecret }).load(parts);
}

/**
 * A command's services: config and key resolved, the client built (loaded on demand: the TUI paints before it
 * needs the HTTP client), every later secret registered for redaction. Call `close()` when done (pools it opened).
 *
 * `parts` is the command's declaration of the services whose modules it needs loaded: 'ssh' (`ctx.ssh()`,
 * `ctx.identity()`) and 'journal' (`ctx.journal()`). The others never load them (the SSH code, node:crypto,
 * the journal's schemas stay off `instances --json`); the context's type has only the accessors declared.
 */
export async function makeContext<P extends ServicePart = never>(
  flags: GlobalFlags,
  parts: readonly P[] = [],
): Promise<CliContext<P>> {
  headlessParsing();
  const { config, baseUrl, apiKey } = await resolveContext(flags);
  const { VastClient } = await import('../core/vast/client.js');
  const client = new VastClient({ apiKey, baseUrl });
  const base = makeServices({ api: client, config, secrets: [apiKey], onSecret: registerSecret });
  const services = await base.load(parts);
  return Object.assign(services, { client, baseUrl });
}
