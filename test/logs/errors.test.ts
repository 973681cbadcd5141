import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ErrorScanner, classifyLine, MAX_TRACEBACK_LINES } from '../../src/core/logs/errors.js';
import { LogRing } from '../../src/core/logs/ring.js';

const RAW = readFileSync(new URL('../fixtures/gpu-host/hf-trainer-stdout.log', import.meta.url), 'utf8');

// The messages below are the exact strings PyTorch, NCCL, the kernel and the shell print.
const OOM_TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/workspace/train.py", line 88, in <module>',
  '    trainer.train()',
  '  File "/usr/local/lib/python3.12/site-packages/transformers/trainer.py", line 2245, in train',
  '    return inner_training_loop(',
  '           ^^^^^^^^^^^^^^^^^^^^',
  'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 ' +
    'GiB of which 1.06 GiB is free.',
];

function scan(lines: string[]): ErrorScanner {
  const s = new ErrorScanner();
  for (const l of lines) s.feed(l);
  return s;
}

describe('tracebacks', () => {
  test('captures the whole traceback and its final error line', () => {
    const s = scan(['step=5', ...OOM_TRACEBACK, 'exit=1']);
    const tb = s.lastTraceback!;
    assert.equal(tb.errorLine, OOM_TRACEBACK.at(-1));
    assert.deepEqual(tb.lines, OOM_TRACEBACK);
    assert.equal(tb.index, OOM_TRACEBACK.length);
    assert.equal(s.lastFatal!.kind, 'cuda_oom', 'the more specific kind is the last fatal event');
    assert.deepEqual(
      s.events.map((e) => e.kind),
      ['traceback', 'cuda_oom'],
    );
  });

  test('a chained traceback reports the last error', () => {
    const s = scan([
      'Traceback (most recent call last):',
      '  File "a.py", line 1, in <module>',
      "KeyError: 'input_ids'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "a.py", line 3, in <module>',
      'ValueError: bad batch',
    ]);
    assert.equal(s.lastTraceback!.errorLine, 'ValueError: bad batch');
    assert.equal(s.lastTraceback!.lines.length, 9);
    assert.equal(s.lastFatal!.kind, 'traceback');
  });

  test('torchrun [rankN]: prefixes and a bare exception name', () => {
    const s = scan([
      '[rank0]: Traceback (most recent call last):',
      '[rank0]:   File "t.py", line 9, in f',
      '[rank0]: KeyboardInterrupt',
    ]);
    assert.equal(s.lastTraceback!.errorLine, 'KeyboardInterrupt');
  });

  test('unrelated non-indented output inside a traceback is not taken as the error line', () => {
    const s = scan([
      'Traceback (most recent call last):',
      '  File "t.py", line 9, in f',
      'Saving model checkpoint to /workspace/out',
      'RuntimeError: boom',
    ]);
    assert.equal(s.lastTraceback!.errorLine, 'RuntimeError: boom');
  });

  test('a source line inside a frame is not an error by itself', () => {
    const s = scan([
      'Traceback (most recent call last):',
      '  File "t.py", line 9, in f',
      '    raise OutOfMemoryError("CUDA out of memory")',
    ]);
    assert.equal(s.lastFatal, undefined);
  });

  test('an endless traceback keeps its last lines only', () => {
    const frames = Array.from({ length: 1000 }, (_, i) => `  File "r.py", line ${i}, in f`);
    const s = scan([
      'Traceback (most recent call last):',
      ...frames,
      'RecursionError: maximum recursion depth exceeded',
    ]);
    assert.equal(s.lastTraceback!.lines.length, MAX_TRACEBACK_LINES + 1);
    assert.equal(s.lastTraceback!.lines.at(-1), 'RecursionError: maximum recursion depth exceeded');
  });
});

describe('single-line failures', () => {
  const cases: [string, ReturnType<typeof classifyLine>][] = [
    ['RuntimeError: CUDA error: out of memory', 'cuda_oom'],
    ['torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB', 'cuda_oom'],
    ['RuntimeError: The NVIDIA driver on your system is too old (found version 11040).', 'no_cuda'],
    [
      'RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and ' +
        'installed a driver',
      'no_cuda',
    ],
    ['RuntimeError: CUDA driver version is insufficient for CUDA runtime version', 'no_cuda'],
    ['RuntimeError: No CUDA GPUs are available', 'no_cuda'],
    [
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest " +
        'NVIDIA driver is installed and running.',
      'no_cuda',
    ],
    ['AssertionError: Torch not compiled with CUDA enabled', 'no_cuda'],
    [
      'RuntimeError: Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False.',
      'no_cuda',
    ],
    [
      'torch.distributed.DistBackendError: NCCL error in: ' +
        '../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1970, unhandled cuda error',
      'nccl',
    ],
    [
      '[rank1]:[E ProcessGroupNCCL.cpp:563] [Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1)',
      'nccl',
    ],
    ['OSError: [Errno 28] No space left on device', 'disk_full'],
    ['Killed', 'killed'],
    ['/workspace/run.sh: line 4:  1234 Killed                  python train.py', 'killed'],
    ['[12345.678] Out of memory: Killed process 4242 (python) total-vm:123kB', 'killed'],
    ['torch.distributed.elastic.multiprocessing.api: failed (exitcode: -9) local_rank: 0', 'killed'],
    ['Training completed. Do not forget to share your model on huggingface.co/models =)', 'finished'],
  ];
  for (const [line, kind] of cases) {
    test(`${kind}: ${line.slice(0, 60)}`, () => assert.equal(classifyLine(line), kind));
  }

  test('ordinary lines are not failures', () => {
    for (const line of [
      'Killed 3 zombie workers? no',
      'NCCL INFO Bootstrap : Using eth0',
      'loss went out of range',
      'checkpoint saved, disk 40% used',
    ]) {
      assert.equal(classifyLine(line), undefined, line);
    }
  });
});

describe('the real Trainer log', () => {
  test('only the completion marker is found, on the train_runtime line', () => {
    const ring = new LogRing();
    ring.push(RAW);
    ring.end();
    const s = scan(ring.lines().map((l) => l.text));
    assert.deepEqual(
      s.events.map((e) => e.kind),
      ['finished'],
    );
    assert.match(s.finished!.line, /^\{'train_runtime': '8\.829'/);
    assert.equal(s.lastFatal, undefined);
    assert.equal(s.lastTraceback, undefined);
  });
});
