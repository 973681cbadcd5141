import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ProgressParser,
  compileProgressPattern,
  parseMetricsDict,
  parseProgress,
  parseTqdm,
} from '../../src/core/logs/progress.js';
import { LogRing } from '../../src/core/logs/ring.js';

const RAW = readFileSync(new URL('../fixtures/gpu-host/hf-trainer-stdout.log', import.meta.url), 'utf8');
const STATE = readFileSync(new URL('../fixtures/gpu-host/hf-checkpoint-layout.txt', import.meta.url), 'utf8');
/** Every logged loss in the file, read with a plain regex independent of the parser. */
const FILE_LOSSES = [...RAW.matchAll(/'loss': '([^']+)'/g)].map((m) => Number(m[1]));

describe('progress on the real Trainer log', () => {
  test('raw lines (with \\r redraws): final step 300/300 and the last logged loss', () => {
    assert.ok(FILE_LOSSES.length > 10);
    const p = parseProgress(RAW.split('\n'));
    assert.equal(p.step, 300);
    assert.equal(p.total, 300);
    assert.equal(p.loss, FILE_LOSSES.at(-1));
    assert.equal(p.epoch, 0.48);
    assert.ok(p.rate! > 30 && p.rate! < 60);
  });

  test('the losses read one by one equal the file, and agree with trainer_state.json', () => {
    const parser = new ProgressParser();
    const seen: number[] = [];
    for (const line of RAW.split('\n')) {
      const before = parser.progress.loss;
      parser.feed(line);
      if (parser.progress.loss !== before) seen.push(parser.progress.loss!);
    }
    assert.deepEqual(seen, dedupeRuns(FILE_LOSSES));
    const stateLosses = [...STATE.matchAll(/"loss": ([\d.e-]+)/g)].map((m) => Number(m[1]));
    // logging_steps 10 over 300 steps, plus the first step: one trainer_state entry per logged dict.
    assert.equal(stateLosses.length, FILE_LOSSES.length);
    stateLosses.forEach((l, i) => assert.ok(Math.abs(l - FILE_LOSSES[i]!) / l < 1e-3, `loss ${i}`));
  });

  test('the step never goes backwards and the 1/1 checkpoint-writing bar never takes over', () => {
    const parser = new ProgressParser();
    let last = -1;
    for (const line of RAW.split('\n')) {
      for (const seg of line.split('\r')) {
        parser.feed(seg);
        const p = parser.progress;
        if (p.step !== undefined) {
          assert.ok(p.step >= last, `step went back from ${last} to ${p.step}`);
          assert.equal(p.total, 300);
          last = p.step;
        }
      }
    }
    assert.equal(last, 300);
  });

  test('lines from the ring buffer (last \\r state only) give the same final progress', () => {
    const ring = new LogRing();
    ring.push(RAW);
    ring.end();
    const p = parseProgress(ring.lines().map((l) => l.text));
    assert.equal(p.step, 300);
    assert.equal(p.loss, FILE_LOSSES.at(-1));
  });
});

describe('tqdm bars', () => {
  const bars = RAW.split(/[\r\n]/).filter((s) => s.includes('/300 ['));
  test('every bar state in the file parses, with s/it rates inverted', () => {
    assert.ok(bars.length > 50);
    for (const b of bars) assert.ok(parseTqdm(b), b);
    const slow = bars.find((b) => b.includes('s/it]'))!;
    const bar = parseTqdm(slow)!;
    assert.equal(bar.step, 1);
    assert.equal(bar.total, 300);
    assert.ok(Math.abs(bar.rate! - 1 / 3.11) < 1e-9);
    const fast = parseTqdm(bars.find((b) => b.includes('| 111/300') || b.includes('| 114/300'))!)!;
    assert.ok(fast.rate! > 40);
  });

  test('a bar with a description and a postfix (Lightning / Accelerate style)', () => {
    const bar = parseTqdm('Epoch 0:  37%|███▋      | 111/300 [00:21<00:35, 5.31it/s, loss=2.35, v_num=0]')!;
    assert.deepEqual(bar, { desc: 'Epoch 0:', step: 111, total: 300, rate: 5.31, loss: 2.35 });
    assert.equal(parseTqdm('  0%|          | 0/? [00:00<?, ?it/s]')!.total, undefined);
    assert.equal(parseTqdm('no bar here 37% done'), undefined);
  });

  test('an evaluation bar in the middle of training does not replace the training step', () => {
    const parser = new ProgressParser();
    parser.feed(' 33%|███▎      | 100/300 [00:04<00:03, 56.97it/s]');
    parser.feed(' 40%|████      | 10/25 [00:01<00:01, 9.00it/s]');
    parser.feed('Map: 100%|██████████| 500/500 [00:00<00:00, 9000.00 examples/s]');
    assert.equal(parser.progress.step, 100);
    assert.equal(parser.progress.total, 300);
  });
});

describe('metric dicts, plain styles, user regex', () => {
  test('quoted (transformers 5) and bare (older) metric dicts', () => {
    assert.deepEqual(
      parseMetricsDict("{'loss': '7.647', 'grad_norm': '2.788', 'learning_rate': '0.001', 'epoch': '0.0016'}"),
      {
        loss: 7.647,
        grad_norm: 2.788,
        learning_rate: 0.001,
        epoch: 0.0016,
      },
    );
    assert.deepEqual(parseMetricsDict("{'loss': 2.3456, 'learning_rate': 4.5e-05, 'epoch': 0.33}"), {
      loss: 2.3456,
      learning_rate: 4.5e-5,
      epoch: 0.33,
    });
    assert.equal(parseMetricsDict('not a dict'), undefined);
  });

  test('step=N, step N/M, global_step and loss on plain lines', () => {
    assert.deepEqual(parseProgress(['step=120 loss=2.5']), { step: 120, loss: 2.5 });
    assert.deepEqual(parseProgress(['Step 5/100 | loss: 0.75']), { step: 5, total: 100, loss: 0.75 });
    assert.deepEqual(parseProgress(['global_step 42']), { step: 42 });
    assert.deepEqual(parseProgress(['max_steps=300, warmup_steps=10, train_steps_per_second 3']), {});
  });

  test('a profile regex with named groups wins over the built-in formats', () => {
    const pattern = compileProgressPattern('iter (?<step>\\d+) of (?<total>\\d+).*?loss (?<loss>[\\d.]+)');
    assert.deepEqual(parseProgress(['iter 70 of 900 | loss 1.25 | step=3'], { pattern }), {
      step: 70,
      total: 900,
      loss: 1.25,
    });
    assert.throws(() => compileProgressPattern('(?<step>\\d+'), /not a valid regular expression/);
    assert.throws(() => compileProgressPattern('step (\\d+)'), /named group/);
  });

  test('feed reports changes and keeps the same object when nothing changed', () => {
    const parser = new ProgressParser();
    assert.equal(parser.feed('hello'), false);
    assert.equal(parser.feed('step=1'), true);
    const p = parser.progress;
    assert.equal(parser.feed('step=1'), false);
    assert.equal(parser.progress, p);
    parser.reset();
    assert.deepEqual(parser.progress, {});
  });
});

function dedupeRuns(xs: number[]): number[] {
  return xs.filter((x, i) => i === 0 || xs[i - 1] !== x);
}
