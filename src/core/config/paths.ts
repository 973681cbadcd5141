import os from 'node:os';
import path from 'node:path';

/** The user's home directory; HOME wins so tests and sandboxes can point it elsewhere. */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || os.homedir();
}

/** vastdeck's config directory: $XDG_CONFIG_HOME/vastdeck, else ~/.config/vastdeck. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homeDir(env), '.config'), 'vastdeck');
}

/**
 * vastdeck's state directory (journal, host keys, crash logs): $VASTDECK_STATE_DIR, else $XDG_STATE_HOME/vastdeck,
 * else ~/.local/state/vastdeck. `--demo` points VASTDECK_STATE_DIR at a demo/ folder inside it (demoStateDir).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.VASTDECK_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(homeDir(env), '.local', 'state'), 'vastdeck')
  );
}

/** Where `--demo` keeps its journal, known_hosts and crash log, apart from the real account's. */
export function demoStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'demo');
}

/** vastdeck's cache directory: $XDG_CACHE_HOME/vastdeck, else ~/.cache/vastdeck. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(homeDir(env), '.cache'), 'vastdeck');
}
