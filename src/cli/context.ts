import { resolveApiKey, resolveApiUrl } from '../core/config/apikey.js';
import { defaultConfigPath, loadConfig, type Config } from '../core/config/config.js';
import type { VastClient } from '../core/vast/client.js';
import { makeServices, type Services } from '../core/services/services.js';
import { registerSecret, UsageError } from './output.js';

/**
 * What a command gets: the shared services (src/core/services: api, SSH pools by settings name, journal, clock,
 * checkpoint stores) over a VastClient, whose every secret is also redacted from the command's output.
 */
export interface CliContext extends Services<VastClient> {
  /** The same client as `api`. */
  client: VastClient;
  baseUrl: string;
}

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
  const file = flags.config ?? defaultConfigPath();
  const config = await loadConfig(file);
  if (config.readOnly)
    throw new Error(`read-only: ${action} is off (readOnly: true in ${file}); set readOnly: false there to allow it`);
}

/** Services for what works offline (the journal, `migrate --list`/`--abort`): no API key, no config read. */
export function localContext(): Services {
  return makeServices({ onSecret: registerSecret });
}

/**
 * A command's services: config and key resolved, the client built (loaded on demand: the TUI paints before it
 * needs the HTTP client), every later secret registered for redaction. Call `close()` when done (pools it opened).
 */
export async function makeContext(flags: GlobalFlags): Promise<CliContext> {
  const { config, baseUrl, apiKey } = await resolveContext(flags);
  const { VastClient } = await import('../core/vast/client.js');
  const client = new VastClient({ apiKey, baseUrl });
  const services = makeServices({ api: client, config, secrets: [apiKey], onSecret: registerSecret });
  return Object.assign(services, { client, baseUrl });
}
