// The simulated host's output formats, checked byte for byte against real outputs in the shared fixtures.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  formatDf,
  formatFree,
  formatGpuQuery,
  g4,
  lastLines,
  parseScenario,
  SimTrainer,
  tokenize,
  tqdmBar,
  trainerDict,
} from '../../src/sim/hosts/index.js';

const FIX = '/work/shared/fixtures/gpu-host';
const facts = readFileSync(`${FIX}/host-facts.txt`, 'utf8');
const section = (name: string) => facts.split(`### ${name}\n`)[1]!.split('\n###')[0]! + '\n';

describe('sim host formats match real outputs', () => {
  test('free -b', () => {
    const out = formatFree({
      total: 135148564480,
      used: 508481536,
      free: 133871710208,
      shared: 7544832,
      buffCache: 993251328,
      available: 134640082944,
      swapTotal: 0,
      swapUsed: 0,
      swapFree: 0,
    });
    assert.equal(out, section('free -b'));
  });

  test('df -B1 /', () => {
    const out = formatDf([
      { source: '/dev/vda', size: 270553174016, used: 17286488064, avail: 68702449664, target: '/' },
    ]);
    assert.equal(out, section('df -B1 /'));
  });

  test('nvidia-smi --query-gpu, with and without header/units', () => {
    const [header, withUnits, bare] = readFileSync(`${FIX}/nvidia-smi-query-idle.csv`, 'utf8').split('\n');
    const fields = header!.split(', ').map((f) => f.replace(/ \[.*\]$/, ''));
    const gpu = {
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      uuid: 'GPU-5cea8753-abae-f3de-c396-89d69c4dc74a',
      driverVersion: '580.159.04',
      memoryTotalMiB: 81559,
      memoryUsedMiB: 0,
      utilGpu: 0,
      utilMemory: 0,
      temperature: 29,
      powerDrawW: 68.61,
      powerLimitW: 700,
      computeCap: '9.0',
    };
    assert.equal(formatGpuQuery([gpu], fields, 'csv').stdout, `${header}\n${withUnits}\n`);
    assert.equal(formatGpuQuery([gpu], fields, 'csv,noheader,nounits').stdout, `${bare}\n`);
    assert.equal(formatGpuQuery([gpu], ['nope'], 'csv').code, 2);
  });

  test('tqdm bars and Trainer dicts have the fixture shape', () => {
    const log = readFileSync(`${FIX}/hf-trainer-stdout.log`, 'utf8');
    assert.ok(log.includes(tqdmBar(0, 300, 0)));
    const bars = [...log.matchAll(/\r( *\d+%\|[^|]*\| (\d+)\/300 \[[^\]]*\])/g)];
    assert.ok(bars.length > 50);
    // Percent and bar cells depend only on n: regenerate each fixture bar's prefix.
    for (const [, bar, n] of bars) assert.equal(tqdmBar(Number(n), 300, 1).split('| ')[0], bar!.split('| ')[0]);
    assert.ok(
      log.includes(
        trainerDict([
          ['loss', 7.647149085998535],
          ['grad_norm', 2.787801742553711],
          ['learning_rate', 0.001],
          ['epoch', 0.0016],
        ]),
      ),
    );
    assert.deepEqual([7.000000000000001e-5, 3.3333333333333337e-6, 0.0009699999999999999].map(g4), [
      '7e-05',
      '3.333e-06',
      '0.00097',
    ]);
  });
});

describe('sim shell helpers', () => {
  test('tokenize honours quotes and operators', () => {
    assert.deepEqual(tokenize(`tail -n 200 -F -- '/a b/it'\\''s.log'; ls&&df -B1 "x y"`), [
      'tail',
      '-n',
      '200',
      '-F',
      '--',
      "/a b/it's.log",
      ';',
      'ls',
      '&&',
      'df',
      '-B1',
      'x y',
    ]);
  });

  test('lastLines counts like tail -n', () => {
    assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc\n');
    assert.equal(lastLines('a\nb\nc', 2), 'b\nc');
    assert.equal(lastLines('a\n', 5), 'a\n');
    assert.equal(lastLines('a\nb\n', 0), '');
  });

  test('trainer advances with time, logs every logging_steps, checkpoints every save_steps', () => {
    let now = 0;
    const t = new SimTrainer(parseScenario({ totalSteps: 300, stepsPerSecond: 10 }), 1, () => now);
    t.tick();
    now = 12_000;
    t.tick();
    assert.equal(t.step, 120);
    assert.deepEqual(t.checkpoints, [100]);
    assert.equal((t.log.match(/\{'loss': /g) ?? []).length, 13); // steps 1, 10, ..., 120
    const state = JSON.parse(t.trainerState(100));
    assert.equal(state.global_step, 100);
    assert.equal(state.log_history.at(-1).step, 100);
    now = 60_000;
    t.tick();
    assert.equal(t.status, 'finished');
    assert.match(t.log, /\{'train_runtime': '30', /);
  });

  test('an invalid scenario is refused with a one-line message naming the field', () => {
    assert.throws(() => parseScenario({ crashAtStep: -3 }), /^Error: invalid host scenario: crashAtStep: /);
  });
});
