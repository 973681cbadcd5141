import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HealthTracker } from '../../src/core/fleet/health.js';
import { parseHostFacts } from '../../src/core/host/probe.js';
import { parseNvidiaSmiCsv } from '../../src/core/host/nvidia-smi.js';
import { LogRing } from '../../src/core/logs/ring.js';
import { buildTriage, renderTriageJson, renderTriageText, TRIAGE_TRACEBACK_LINES } from '../../src/core/logs/triage.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/gpu-host/${name}`, import.meta.url), 'utf8');
const T0 = Date.UTC(2026, 10, 22, 18, 13, 13);
const HOST = parseHostFacts(fixture('host-facts.txt'));
HOST.gpus = parseNvidiaSmiCsv(fixture('nvidia-smi-query-idle.csv').split('\n').slice(2).join('\n'));

function trackerFor(text: string): HealthTracker {
  const ring = new LogRing();
  ring.push(text);
  ring.end();
  const t = new HealthTracker();
  t.setStatus('running', T0);
  t.feedLines(ring.lines(), T0);
  return t;
}

describe('triage bundle', () => {
  test('a finished run on the real host: step, rate, completion, GPU, RAM, disk', () => {
    const t = trackerFor(fixture('hf-trainer-stdout.log'));
    const b = buildTriage({
      instanceId: 1001,
      label: 'run-a',
      now: T0,
      health: t.health(T0),
      progress: t.progress,
      finished: !!t.errors.finished,
      host: HOST,
    });
    assert.equal(b.state, 'finished');
    assert.equal(b.completed, true);
    assert.equal(b.step, 300);
    assert.equal(b.total, 300);
    assert.equal(b.gpus[0]!.name, 'NVIDIA H100 80GB HBM3');
    assert.equal(b.ram!.totalBytes, 135148564480);
    assert.equal(b.disks[0]!.usePct, 21);
    assert.equal(b.cpus, 16);
    assert.deepEqual(b.warnings, []);
    const text = renderTriageText(b);
    assert.match(text, /^instance 1001 \(run-a\) at 2026-11-22T18:13:13\.000Z\n/);
    assert.match(text, /step: +300\/300 +rate 33\.98 it\/s +loss 0\.0151/);
    assert.match(text, /completed: yes/);
    assert.match(text, /gpu 0: +NVIDIA H100 80GB HBM3 +util 0% +0\.0\/79\.6 GiB +29°C +68\.61 W/);
    assert.match(text, /ram: +0\.5 GB used, 134\.6 GB available of 135\.1 GB/);
    assert.match(text, /disk \/: 17\.3\/270\.6 GB used \(21%\), 68\.7 GB free/);
    assert.deepEqual(JSON.parse(renderTriageJson(b)), b);
  });

  test('a crash: the last traceback, the error, warnings for a full disk and an idle GPU', () => {
    const ring = fixture('hf-trainer-stdout.log').split('\n').slice(0, 10).join('\n');
    const t = trackerFor(
      `${ring}\nTraceback (most recent call last):\n  File "/workspace/train.py", line 88, in ` +
        `<module>\nOSError: [Errno 28] No space left on device\n`,
    );
    const host = { ...HOST, disks: HOST.disks.map((d) => ({ ...d, usePct: 97 })) };
    const b = buildTriage({
      now: T0,
      health: t.health(T0),
      progress: t.progress,
      lastError: t.errors.lastFatal,
      traceback: t.errors.lastTraceback,
      host,
    });
    assert.equal(b.state, 'crashed');
    assert.equal(b.completed, false);
    assert.equal(b.traceback!.errorLine, 'OSError: [Errno 28] No space left on device');
    assert.equal(b.lastError!.kind, 'disk_full');
    assert.deepEqual(b.warnings, ['disk / is 97% full']);
    const text = renderTriageText(b);
    assert.match(text, /last traceback:\n {2}Traceback \(most recent call last\):\n/);
    assert.match(text, /error: +\[disk_full\] OSError/);

    const training = buildTriage({ now: T0, health: { state: 'training', step: 5 }, host });
    assert.ok(training.warnings.includes('GPU 0 is idle (0% util) while training'));
  });

  test('secrets are masked and control sequences stripped in text and JSON; long tracebacks keep their end', () => {
    const secret = 'hf_SECRETtoken1234567890';
    const lines = [
      'Traceback (most recent call last):',
      ...Array.from({ length: 100 }, (_, i) => `  File "f${i}.py"`),
      `ValueError: bad token ${secret}\x1b]52;c;cHduZWQ=\x07`,
    ];
    const b = buildTriage({
      now: T0,
      label: `lbl\x1b[2J${secret}`,
      traceback: { lines, errorLine: lines.at(-1)!, index: 0 },
      lastError: { kind: 'traceback', line: lines.at(-1)!, index: 0 },
      redact: [secret, 'ab'],
    });
    const out = renderTriageText(b) + renderTriageJson(b);
    assert.ok(!out.includes(secret));
    assert.ok(!out.includes('\x1b'));
    assert.ok(!out.includes('52;c'));
    assert.equal(b.traceback!.lines.length, TRIAGE_TRACEBACK_LINES);
    assert.equal(b.traceback!.errorLine, 'ValueError: bad token ***');
    assert.equal(b.label, 'lbl***');
  });

  test('an empty bundle still renders', () => {
    const text = renderTriageText(buildTriage({ now: T0 }));
    assert.match(text, /health: +unknown/);
    assert.match(text, /gpus: +–/);
  });
});
