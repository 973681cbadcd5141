/**
 * The host watchdog, for a closed laptop: a small shell loop on the instance that stops its own instance through
 * the Vast API after maxRuntime, or when vastdeck's heartbeat (a file vastdeck touches over SSH on each pass)
 * is older than a limit. It holds an API key scoped to that one instance (`create api-key` with an
 * `instance_write` constraint on its id) — never the user's key — so it can stop itself and touch nothing else.
 * It only ever stops (a stop keeps the disk and its checkpoints): destroying needs a verification it cannot do.
 */
import { shellQuote } from '../ssh/quote.js';

/** Runs a shell command on the instance (SshPool.exec bound to its target). */
export type HostExec = (cmd: string) => Promise<{ stdout: string; stderr: string; code: number | null }>;

/** Watchdog settings. */
export interface WatchdogSpec {
  /** The Vast API base URL as the host reaches it, e.g. https://console.vast.ai. */
  apiUrl: string;
  instanceId: number;
  /** Stop once the watchdog has run this long (null = no cap). */
  maxRuntimeSec: number | null;
  /** Stop when the heartbeat is older than this (null = no heartbeat rule). */
  heartbeatMaxAgeSec: number | null;
  /** Seconds between checks (default 60). */
  everySec?: number;
  /** Directory on the host holding the key file, script, heartbeat, pid and log (default /root/.vastdeck). */
  dir?: string;
}

/** The permissions document of the watchdog's key: read and write this one instance only. */
export function watchdogPermissions(instanceId: number): Record<string, unknown> {
  const only = { constraints: { id: { eq: instanceId } } };
  return { api: { instance_read: only, instance_write: only } };
}

/** Where the watchdog keeps its files. */
export function watchdogPaths(dir = '/root/.vastdeck') {
  return {
    dir,
    key: `${dir}/watchdog.key`,
    script: `${dir}/watchdog.sh`,
    heartbeat: `${dir}/heartbeat`,
    pid: `${dir}/watchdog.pid`,
    log: `${dir}/watchdog.log`,
  };
}

/** The watchdog script (bash; needs curl, date, cat). The key is read from its file, never from the command line. */
export function watchdogScript(s: WatchdogSpec): string {
  const p = watchdogPaths(s.dir);
  const url = `${s.apiUrl.replace(/\/+$/, '')}/api/v0/instances/${s.instanceId}/`;
  return [
    '#!/bin/bash',
    '# vastdeck watchdog: stops this instance (its own scoped API key) past maxRuntime or when heartbeats stop.',
    `KEY_FILE=${shellQuote(p.key)}; HB=${shellQuote(p.heartbeat)}; LOG=${shellQuote(p.log)}; URL=${shellQuote(url)}`,
    `MAX_RUNTIME=${s.maxRuntimeSec ?? ''}; HB_MAX=${s.heartbeatMaxAgeSec ?? ''}; EVERY=${s.everySec ?? 60}`,
    // A watchdog that starts late (a loaded host) counts its own start as the last heartbeat.
    'START=$(date +%s)',
    'while :; do',
    '  sleep "$EVERY"',
    '  now=$(date +%s); why=""',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash text; ${MAX_RUNTIME} is the shell's expansion.
    '  if [ -n "$MAX_RUNTIME" ] && [ $((now - START)) -ge "$MAX_RUNTIME" ]; then why="maxRuntime ${MAX_RUNTIME}s"; fi',
    // The heartbeat holds the host's clock when vastdeck last wrote it (its content, not its mtime: the host's clock
    // on both sides, and no file attribute caching in the way).
    '  if [ -z "$why" ] && [ -n "$HB_MAX" ]; then',
    '    last=$(cat "$HB" 2>/dev/null); case "$last" in ""|*[!0-9]*) last=$START;; esac; [ "$last" -lt ' +
      '"$START" ] && last=$START',
    '    [ $((now - last)) -ge "$HB_MAX" ] && why="no heartbeat for $((now - last))s"',
    '  fi',
    '  [ -z "$why" ] && continue',
    '  code=$(curl -s -o /dev/null -w "%{http_code}" -X PUT -H "Authorization: Bearer $(cat "$KEY_FILE")" -H ' +
      '"Content-Type: application/json" -d \'{"state":"stopped"}\' "$URL")',
    '  echo "$(date -u +%FT%TZ) $why: stop answered $code" >> "$LOG"',
    '  [ "$code" = 200 ] && exit 0',
    'done',
    '',
  ].join('\n');
}

/**
 * Puts the watchdog on the host and starts it in the background: the key file (mode 600), the script, a first
 * heartbeat, and the loop under nohup with its pid recorded. An older watchdog of the same dir is stopped first.
 */
export async function armWatchdog(exec: HostExec, s: WatchdogSpec, key: string): Promise<{ pid: number }> {
  const p = watchdogPaths(s.dir);
  const script = watchdogScript(s);
  // One command per line: `&` must background the watchdog alone, not a whole `&&` chain (which would hold the
  // SSH channel open until the watchdog exits, and make $! the wrong process).
  const cmd = [
    'set -e',
    `mkdir -p ${shellQuote(p.dir)}`,
    `chmod 700 ${shellQuote(p.dir)}`,
    `[ ! -f ${shellQuote(p.pid)} ] || kill "$(cat ${shellQuote(p.pid)})" 2>/dev/null || true`,
    `(umask 077; printf %s ${shellQuote(key)} > ${shellQuote(p.key)})`,
    `printf %s ${shellQuote(script)} > ${shellQuote(p.script)}`,
    `chmod 700 ${shellQuote(p.script)}`,
    `date +%s > ${shellQuote(p.heartbeat)}`,
    `nohup bash ${shellQuote(p.script)} >/dev/null 2>&1 </dev/null &`,
    `echo $! > ${shellQuote(p.pid)}`,
    `cat ${shellQuote(p.pid)}`,
  ].join('\n');
  const r = await exec(cmd);
  const pid = Number(r.stdout.trim().split('\n').pop());
  if (r.code !== 0 || !Number.isInteger(pid) || pid <= 0)
    throw new Error(
      `could not start the watchdog on instance ${s.instanceId}: ` +
        `${(r.stderr || r.stdout).trim().slice(0, 200) || `exit ${r.code}`}`,
    );
  return { pid };
}

/** vastdeck's heartbeat: writes the host's clock into the file the watchdog watches. */
export async function heartbeat(exec: HostExec, dir?: string): Promise<void> {
  const r = await exec(`date +%s > ${shellQuote(watchdogPaths(dir).heartbeat)}`);
  if (r.code !== 0) throw new Error(`heartbeat failed: ${r.stderr.trim().slice(0, 200) || `exit ${r.code}`}`);
}
