import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import {
  FREE_COMMAND,
  NPROC_COMMAND,
  NVIDIA_SMI_COMMAND,
  dfCommand,
  hostProbeCommand,
  shellQuote,
} from '../../src/core/host/probe-commands.js';
import { parseNvidiaSmiCsv } from '../../src/core/host/nvidia-smi.js';
import { parseDf, parseFree, parseNproc } from '../../src/core/host/system.js';
import { parseHostFacts, splitSections } from '../../src/core/host/probe.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/gpu-host/${name}`, import.meta.url), 'utf8');
const CSV = fixture('nvidia-smi-query-idle.csv');
const FACTS = fixture('host-facts.txt');
const [HEADER, UNITS_ROW, BARE_ROW] = CSV.split('\n');
const FIXTURE_README = readFileSync(new URL('../fixtures/gpu-host/README.md', import.meta.url), 'utf8');

describe('nvidia-smi --query-gpu csv', () => {
  const expected = {
    index: 0,
    name: 'NVIDIA H100 80GB HBM3',
    uuid: 'GPU-5cea8753-abae-f3de-c396-89d69c4dc74a',
    driverVersion: '580.159.04',
    memoryTotalMiB: 81559,
    memoryUsedMiB: 0,
    memoryFreeMiB: 81079,
    utilizationGpuPct: 0,
    utilizationMemoryPct: 0,
    temperatureC: 29,
    powerDrawW: 68.61,
    powerLimitW: 700,
    computeCap: 9,
  };

  test('the headered form with units', () => {
    assert.deepEqual(parseNvidiaSmiCsv(`${HEADER}\n${UNITS_ROW}\n`), [expected]);
  });

  test('the noheader,nounits form', () => {
    assert.deepEqual(parseNvidiaSmiCsv(`${BARE_ROW}\n`), [expected]);
  });

  test('the whole capture (both forms in one file) gives the same GPU twice', () => {
    const gpus = parseNvidiaSmiCsv(CSV);
    assert.equal(gpus.length, 2);
    assert.deepEqual(gpus[0], gpus[1]);
  });

  test('[N/A] and [Not Supported] become null; the GPU is kept', () => {
    const cells = BARE_ROW!.split(', ');
    cells[10] = '[N/A]';
    cells[8] = '[Not Supported]';
    const [gpu] = parseNvidiaSmiCsv(cells.join(', '));
    assert.equal(gpu!.powerDrawW, null);
    assert.equal(gpu!.utilizationMemoryPct, null);
    assert.equal(gpu!.memoryTotalMiB, 81559);
  });

  test('a driver failure message or a short row yields no GPU', () => {
    assert.deepEqual(
      parseNvidiaSmiCsv("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."),
      [],
    );
    assert.deepEqual(parseNvidiaSmiCsv(BARE_ROW!.split(', ').slice(0, 5).join(', ')), []);
  });

  test('the command queries exactly the documented fields, bare numbers', () => {
    const m = /`(nvidia-smi --query-gpu=[^`]+)` with `--format=csv`/.exec(FIXTURE_README)!;
    assert.equal(NVIDIA_SMI_COMMAND, `${m[1]} --format=csv,noheader,nounits`);
  });
});

describe('free, df, nproc on the real capture', () => {
  const sections = splitSections(FACTS);

  test('sections are split by ### headings', () => {
    assert.ok(sections.has('free -b') && sections.has('df -B1 /') && sections.has('nproc'));
  });

  test('free -b', () => {
    assert.deepEqual(parseFree(sections.get('free -b')!), {
      totalBytes: 135148564480,
      usedBytes: 508481536,
      freeBytes: 133871710208,
      sharedBytes: 7544832,
      buffCacheBytes: 993251328,
      availableBytes: 134640082944,
      swapTotalBytes: 0,
      swapUsedBytes: 0,
    });
    assert.equal(parseFree('free: command not found'), undefined);
  });

  test('old procps free (buffers and cached, no available column)', () => {
    const old = [
      '             total       used       free     shared    buffers     cached',
      'Mem:    8000000000 6000000000 2000000000   10000000  500000000 1500000000',
      '-/+ buffers/cache: 4000000000 4000000000',
      'Swap:            0          0          0',
    ].join('\n');
    const m = parseFree(old)!;
    assert.equal(m.buffCacheBytes, 2000000000);
    assert.equal(m.availableBytes, 4000000000);
  });

  test('df -B1 with a path', () => {
    assert.deepEqual(parseDf(sections.get('df -B1 /')!), [
      {
        filesystem: '/dev/vda',
        sizeBytes: 270553174016,
        usedBytes: 17286488064,
        availableBytes: 68702449664,
        usePct: 21,
        mount: '/',
      },
    ]);
  });

  test('df: a wrapped long filesystem name, a mount point with spaces, an error line', () => {
    const row = sections.get('df -B1 /')!.split('\n')[1]!;
    const [, ...numbers] = row.trim().split(/\s+/);
    const text = [
      'Filesystem        1B-blocks        Used   Available Use% Mounted on',
      'overlay-with-a-very-long-name-that-wraps',
      `       ${numbers.slice(0, 4).join(' ')} /workspace/my data`,
      'df: /nope: No such file or directory',
    ].join('\n');
    const [d] = parseDf(text);
    assert.equal(d!.filesystem, 'overlay-with-a-very-long-name-that-wraps');
    assert.equal(d!.mount, '/workspace/my data');
    assert.equal(d!.sizeBytes, 270553174016);
    assert.equal(parseDf(text).length, 1);
  });

  test('nproc', () => {
    assert.equal(parseNproc(sections.get('nproc')!), 16);
    assert.equal(parseNproc('sh: nproc: not found'), undefined);
    assert.equal(parseNproc('0'), undefined);
  });

  test('parseHostFacts reads the sectioned capture', () => {
    const facts = parseHostFacts(FACTS);
    assert.equal(facts.memory!.totalBytes, 135148564480);
    assert.equal(facts.disks[0]!.mount, '/');
    assert.equal(facts.cpus, 16);
    assert.deepEqual(facts.gpus, [], 'host-facts.txt has the human nvidia-smi table, not the csv query');
  });
});

describe('commands', () => {
  test('paths are single-quoted for the remote shell', () => {
    assert.equal(dfCommand(), "df -B1 -P '/'");
    assert.equal(dfCommand("/work space/it's"), `df -B1 -P '/work space/it'\\''s'`);
    assert.equal(shellQuote('$(rm -rf /)'), "'$(rm -rf /)'");
    assert.equal(FREE_COMMAND, 'free -b');
    assert.equal(NPROC_COMMAND, 'nproc');
  });

  test('the probe runs in a local POSIX shell and its output parses (nvidia-smi may be absent here)', () => {
    const out = execFileSync('sh', ['-c', hostProbeCommand('/')], { encoding: 'utf8' });
    const facts = parseHostFacts(out);
    assert.ok(facts.memory && facts.memory.totalBytes > 0);
    assert.equal(facts.disks.length, 1);
    assert.equal(facts.disks[0]!.mount, '/');
    assert.ok(facts.cpus! >= 1);
    if (facts.gpus.length === 0) assert.ok(facts.gpuError, 'no GPU rows means the error text is kept');
    const quoted = execFileSync('sh', ['-c', `printf '%s' ${shellQuote("a 'b' $HOME")}`], { encoding: 'utf8' });
    assert.equal(quoted, "a 'b' $HOME");
  });
});
