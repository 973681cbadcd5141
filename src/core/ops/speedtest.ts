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
  /** `artifact`: an endpoint the job really uses (Hub, GitHub, storage); `neutral`: the sanity endpoint. */
  role: 'artifact' | 'neutral';
  /** Megabits per second, null when the fetch failed. */
  mbps: number | null;
  /** Below the threshold (or failed). */
  slow: boolean;
  error?: string;
}

/** The result of a speed test. */
export interface SpeedtestResult {
  /** Every URL measured, in order: the artifact endpoints, then the neutral one. */
  urls: UrlSpeed[];
  /** Best measured speed, Mbps (null when every URL failed). */
  bestMbps: number | null;
  /** What the offer advertised, Mbps. */
  advertisedMbps: number | null;
  /** Below this a URL counts as slow, Mbps (null: nothing to compare with). */
  thresholdMbps: number | null;
  /** False when a real (artifact) endpoint was slow or failed: a fast neutral endpoint does not make up for it. */
  ok: boolean;
  /** Set when any URL is slow or failed: one line for the user naming each. */
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

/**
 * Measures each URL in turn (the job's real endpoints, then the neutral one, as runbook 002 asks) and reports
 * every one. A URL is slow below `minMbps`, or else below SLOW_FRACTION of the advertised inet_down.
 */
export async function measureDownload(
  exec: RemoteExec,
  target: SshTarget,
  urls: readonly string[],
  opts: { advertisedMbps?: number | null; seconds?: number; neutral?: string; minMbps?: number } = {},
): Promise<SpeedtestResult> {
  const seconds = opts.seconds ?? 20;
  const adv = opts.advertisedMbps ?? null;
  const threshold = opts.minMbps ?? (adv !== null && adv > 0 ? adv * SLOW_FRACTION : null);
  const list: Array<[string, UrlSpeed['role']]> = [...urls.map((u): [string, UrlSpeed['role']] => [u, 'artifact'])];
  if (opts.neutral) list.push([opts.neutral, 'neutral']);
  const out: UrlSpeed[] = [];
  for (const [url, role] of list) {
    let mbps: number | null = null;
    let error: string | undefined;
    try {
      const r = await exec(target, speedCommand(url, seconds), { timeoutMs: (seconds + 10) * 1000, maxBytes: 4096 });
      mbps = r.code === 0 ? parseSpeed(r.stdout) : null;
      if (mbps === null)
        error =
          r.code === 0
            ? 'no speed in curl output'
            : `curl exit ${r.code}${r.stderr ? `: ${sanitizeLine(r.stderr).slice(0, 120)}` : ''}`;
    } catch (err) {
      error = sanitizeLine(String((err as Error).message ?? err)).slice(0, 160);
    }
    const slow = mbps === null || (threshold !== null && mbps < threshold);
    out.push(error === undefined ? { url, role, mbps, slow } : { url, role, mbps, slow, error });
  }
  const measured = out.flatMap((u) => (u.mbps === null ? [] : [u.mbps]));
  const bestMbps = measured.length ? Math.max(...measured) : null;
  const ok = out.every((u) => u.role !== 'artifact' || !u.slow);
  return {
    urls: out,
    bestMbps,
    advertisedMbps: adv,
    thresholdMbps: threshold,
    ok,
    warning: speedWarning(out, adv, threshold),
  };
}

/**
 * One line naming every slow or failed URL, with the neutral endpoint's figure for comparison; null when all are fine.
 */
function speedWarning(out: UrlSpeed[], adv: number | null, threshold: number | null): string | null {
  const bad = out.filter((u) => u.slow);
  if (bad.length === 0) return null;
  if (out.every((u) => u.mbps === null)) return `download speed test failed: ${out[0]!.error ?? 'no result'}`;
  const below =
    threshold === null
      ? ''
      : adv !== null && threshold === adv * SLOW_FRACTION
        ? `, far below the advertised ${formatMbps(adv)}`
        : `, below the required ${formatMbps(threshold)}`;
  const parts = bad.map((u) =>
    u.mbps === null
      ? `${u.role === 'neutral' ? 'neutral endpoint ' : ''}${u.url} failed (${u.error ?? 'no result'})`
      : `${u.role === 'neutral' ? 'neutral endpoint ' : ''}${u.url} downloads at ${formatMbps(u.mbps)}${below}`,
  );
  const neutral = out.find((u) => u.role === 'neutral' && !u.slow && u.mbps !== null);
  if (neutral && bad.some((u) => u.role === 'artifact'))
    parts.push(`while the neutral endpoint ${neutral.url} gives ${formatMbps(neutral.mbps!)}`);
  if (out.length === 1 && bad[0]!.mbps !== null) return `host downloads at ${formatMbps(bad[0]!.mbps)}${below}`;
  return parts.join('; ');
}

/** "850 Mbps", "1.4 Mbps". */
export function formatMbps(mbps: number): string {
  return `${mbps >= 10 ? Math.round(mbps) : Math.round(mbps * 10) / 10} Mbps`;
}
