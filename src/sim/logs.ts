/**
 * Log text for `request_logs`: the container's stdout (a training run that has advanced with the
 * instance's uptime) or the daemon log (image pull, container start). Deterministic per instance and time.
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
  else if (rec.status !== null && rec.status !== 'loading') lines.push(`${t0} [daemon] container started`, `${t0} [daemon] ${rec.statusMsg}`);
  return lines;
}

function trainingLines(rec: InstanceRec, now: number): string[] {
  const rng = makeRng(hashSeed(rec.id, 'train'));
  const uptimeMs = rec.uptimeMs + (rec.status === 'running' ? now - rec.since : 0);
  const lines = ['==========', '== CUDA ==', '==========', `CUDA Version ${rec.offer.cuda_max_good}`, 'Starting training run'];
  const steps = Math.floor(uptimeMs / 6000); // one optimizer step per 6 s of uptime
  let loss = between(rng, 2.6, 3.4);
  for (let s = 10; s <= steps; s += 10) {
    loss = Math.max(0.4, loss * between(rng, 0.985, 1.002));
    lines.push(`{'loss': ${round(loss, 4)}, 'grad_norm': ${round(between(rng, 0.3, 2.5), 4)}, 'learning_rate': 5e-05, 'epoch': ${round(s / 1000, 3)}, 'step': ${s}}`);
    if (s % 500 === 0) lines.push(`Saving model checkpoint to /workspace/output/checkpoint-${s}`);
  }
  if (rec.status === 'exited') {
    lines.push('Traceback (most recent call last):', '  File "/workspace/train.py", line 212, in <module>',
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.');
  }
  return lines;
}

/** The log text an instance shows now, after tail and filter. */
export function logText(rec: InstanceRec, now: number, req: LogRequest): string {
  let lines = req.daemon ? daemonLines(rec) : trainingLines(rec, now);
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
  const tail = req.tail && req.tail > 0 ? req.tail : DEFAULT_TAIL;
  return lines.slice(-tail).join('\n') + '\n';
}
