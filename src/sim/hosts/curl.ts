/**
 * `curl` on a simulated host, for vastdeck's post-boot download test only: `curl -o /dev/null -s -m N -w
 * '%{speed_download}' URL` answers at once with a speed derived from the instance's advertised inet_down, so
 * a trap host (1–2 Mbps) measures as slow. Nothing is fetched: the simulator never leaves 127.0.0.1.
 */
import type { ShellHost } from './shell.js';

interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

/** What the simulated fetch achieves of the advertised speed (hosts rarely reach their advert). */
const ACHIEVED = 0.85;

/** Answers a curl command line (already split into words, `curl` removed). */
export function curl(args: string[], host: ShellHost): Result {
  let write: string | null = null;
  let url: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-w' || a === '--write-out') write = args[++i] ?? '';
    else if (a === '-o' || a === '--output' || a === '-m' || a === '--max-time') i++;
    else if (!a.startsWith('-')) url = a;
  }
  if (!url) return { stdout: '', stderr: 'curl: no URL specified\n', code: 2 };
  if (!/^https?:\/\//.test(url))
    return { stdout: '', stderr: `curl: (1) Protocol not supported: ${url.split(':')[0]}\n`, code: 1 };
  const sc = host.trainer.scenario;
  const slow = Object.entries(sc.urlMbps).find(([part]) => url!.includes(part));
  const mbps = slow ? slow[1] : (sc.inetDownMbps ?? 1000) * ACHIEVED;
  const bytesPerSec = (mbps * 1e6) / 8;
  const out =
    write === null
      ? ''
      : write.replace(/%\{speed_download\}/g, bytesPerSec.toFixed(3)).replace(/%\{http_code\}/g, '200');
  return { stdout: out, stderr: '', code: 0 };
}
