/**
 * Log text for `request_logs`: the container's stdout — the simulated host's job log while this simulator
 * has run the instance's host, else a training run that has advanced with the instance's uptime — or the
 * daemon log (image pull, container start). Deterministic per instance and time.
 */
import type { InstanceRec } from './instances.js';
import { between, hashSeed, makeRng, round } from './prng.js';

/** Options from the request_logs body (all strings on the wire). */
export interface LogRequest {
  tail?: number;
  filter?: string;
  daemon?: boolean;
}

/** Most lines a log answer holds (the server default tail is 1000). */
const DEFAULT_TAIL = 1000;

function daemonLines(rec: InstanceRec): string[] {
  const t0 = new Date(rec.createdAt).toISOString();
  const lines = [
    `${t0} [daemon] instance ${rec.id}: allocating ${rec.offer.num_gpus}x ${rec.offer.gpu_name}`,
    `${t0} [daemon] pulling image ${rec.image}`,
  ];
  for (let i = 1; i <= 5; i++) lines.push(`${t0} [daemon] ${i * 20}% layers downloaded`);
  if (rec.status === 'loading' && rec.stuck) lines.push(`${t0} [daemon] waiting for image extraction (disk I/O slow)`);
  else if (rec.status !== null && rec.status !== 'loading')
    lines.push(`${t0} [daemon] container started`, `${t0} [daemon] ${rec.statusMsg}`);
  return lines;
}

/** Loss at a step: a smooth decay with deterministic per-step noise, so any step is computed on its own. */
function lossAt(seed: number, s: number): number {
  const noise = between(makeRng(hashSeed(seed, s)), -0.03, 0.03);
  return Math.max(0.4, (0.4 + 2.6 * Math.exp(-s / 4000)) * (1 + noise));
}

/**
 * The container log of a run that has advanced with uptime (one step per 6 s). Only the last `tail` lines
 * are built: an instance two days old has ~2,900 log dicts, and building them all per request was wasted work.
 */
function trainingLines(rec: InstanceRec, now: number, tail: number): string[] {
  const seed = hashSeed(rec.id, 'train');
  const uptimeMs = rec.uptimeMs + (rec.status === 'running' ? now - rec.since : 0);
  const head = [
    '==========',
    '== CUDA ==',
    '==========',
    `CUDA Version ${rec.offer.cuda_max_good}`,
    'Starting training run',
  ];
  const steps = Math.floor(uptimeMs / 6000);
  const trailer =
    rec.status === 'exited'
      ? [
          'Traceback (most recent call last):',
          '  File "/workspace/train.py", line 212, in <module>',
          'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.',
        ]
      : [];
  const body: string[] = [];
  // Walk back from the last logged step until enough lines are made (checkpoint lines count too).
  for (let s = Math.floor(steps / 10) * 10; s >= 10 && body.length < tail; s -= 10) {
    if (s % 500 === 0) body.push(`Saving model checkpoint to /workspace/output/checkpoint-${s}`);
    const gradNorm = round(between(makeRng(hashSeed(seed, 'g', s)), 0.3, 2.5), 4);
    body.push(
      `{'loss': ${round(lossAt(seed, s), 4)}, 'grad_norm': ${gradNorm}, 'learning_rate': 5e-05, 'epoch': ` +
        `${round(s / 1000, 3)}, 'step': ${s}}`,
    );
  }
  return [...head, ...body.reverse(), ...trailer];
}

/**
 * What `docker logs` of the host's job shows: tqdm's \r redraws collapsed to what a terminal would display,
 * so an API log reads like the screen did (the SSH path gets the raw bytes and renders them itself).
 */
function screenLines(raw: string): string[] {
  const lines = raw.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    const parts = l.split('\r').filter((p) => p.trim() !== '');
    return parts[parts.length - 1] ?? '';
  });
}

/** The log text an instance shows now, after tail and filter. */
export function logText(rec: InstanceRec, now: number, req: LogRequest, hostLog?: string): string {
  const tail = req.tail && req.tail > 0 ? req.tail : DEFAULT_TAIL;
  // With a filter the whole run is searched, so more lines are built (bounded like the server's answer).
  const want = req.filter ? DEFAULT_TAIL * 20 : tail;
  let lines = req.daemon
    ? daemonLines(rec)
    : hostLog !== undefined
      ? screenLines(hostLog)
      : trainingLines(rec, now, want);
  if (req.filter) {
    const f = req.filter;
    let re: RegExp | null = null;
    try {
      re = new RegExp(f);
    } catch {
      re = null;
    }
    lines = lines.filter((l) => (re ? re.test(l) : l.includes(f)));
  }
  return lines.slice(-tail).join('\n') + '\n';
}
