/**
 * The host's real download speed, measured over SSH after boot: Vast's advertised inet_down is the host's
 * own claim, and trap hosts (1–2 Mbps) only show themselves once an image or a model has to come down. Each
 * URL is fetched with curl to /dev/null; curl's own -m bounds it, since OpenSSH will not signal a root
 * session on our deadline (exec.ts).
 */
import type { ExecOptions, ExecResult } from '../ssh/exec.js';
import type { SshTarget } from '../ssh/connect.js';
import { shellQuote } from '../ssh/quote.js';
import { sanitizeLine } from '../util/sanitize.js';

/** Runs one remote command (SshPool.exec fits). */
export type RemoteExec = (target: SshTarget, cmd: string, opts?: ExecOptions) => Promise<ExecResult>;

/** One URL's measurement. */
export interface UrlSpeed {
  url: string;
  /** Megabits per second, null when the fetch failed. */
  mbps: number | null;
  error?: string;
}

/** The result of a speed test. */
export interface SpeedtestResult {
  urls: UrlSpeed[];
  /** Best measured speed, Mbps (null when every URL failed). */
  bestMbps: number | null;
  /** What the offer advertised, Mbps. */
  advertisedMbps: number | null;
  /** Set when the measurement is far below the advert (or failed): one line for the user. */
  warning: string | null;
}

/** Below this fraction of the advertised speed the host is reported as slow. */
export const SLOW_FRACTION = 0.25;

/** The curl command for one URL: body discarded, prints bytes/second, bounded by `seconds`. */
export function speedCommand(url: string, seconds: number): string {
  return `curl -o /dev/null -s -m ${Math.max(1, Math.round(seconds))} -w '%{speed_download}' ${shellQuote(url)}`;
}

/** Reads curl's `%{speed_download}` output (bytes/s, "123456.000" or "123456") as Mbps. */
export function parseSpeed(stdout: string): number | null {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*$/.exec(stdout);
  if (!m) return null;
  return (Number(m[1]!.replace(',', '.')) * 8) / 1e6;
}

/** Measures each URL in turn and compares the best with the offer's advertised inet_down. */
export async function measureDownload(
  exec: RemoteExec,
  target: SshTarget,
  urls: readonly string[],
  opts: { advertisedMbps?: number | null; seconds?: number } = {},
): Promise<SpeedtestResult> {
  const seconds = opts.seconds ?? 20;
  const out: UrlSpeed[] = [];
  for (const url of urls) {
    try {
      const r = await exec(target, speedCommand(url, seconds), { timeoutMs: (seconds + 10) * 1000, maxBytes: 4096 });
      const mbps = r.code === 0 ? parseSpeed(r.stdout) : null;
      out.push(mbps === null ? { url, mbps, error: r.code === 0 ? 'no speed in curl output' : `curl exit ${r.code}${r.stderr ? `: ${sanitizeLine(r.stderr).slice(0, 120)}` : ''}` } : { url, mbps });
    } catch (err) {
      out.push({ url, mbps: null, error: sanitizeLine(String((err as Error).message ?? err)).slice(0, 160) });
    }
  }
  const measured = out.flatMap((u) => (u.mbps === null ? [] : [u.mbps]));
  const bestMbps = measured.length ? Math.max(...measured) : null;
  const adv = opts.advertisedMbps ?? null;
  let warning: string | null = null;
  if (bestMbps === null && urls.length) warning = `download speed test failed: ${out[0]!.error ?? 'no result'}`;
  else if (bestMbps !== null && adv !== null && adv > 0 && bestMbps < adv * SLOW_FRACTION) {
    warning = `host downloads at ${formatMbps(bestMbps)}, far below the advertised ${formatMbps(adv)}`;
  }
  return { urls: out, bestMbps, advertisedMbps: adv, warning };
}

/** "850 Mbps", "1.4 Mbps". */
export function formatMbps(mbps: number): string {
  return `${mbps >= 10 ? Math.round(mbps) : Math.round(mbps * 10) / 10} Mbps`;
}
