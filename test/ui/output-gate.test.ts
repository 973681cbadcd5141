// The output gate in front of Ink: suspended writes are dropped (their callbacks still run), and afterNextWrite
// runs a task once after the next frame reaches the terminal (the health monitor starts after the first data
// frame so loading the SSH library does not hold that frame back), or after its fallback when nothing is drawn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { outputGate } from '../../src/ui/attach/handover.js';
import { pause, waitFor } from '../helpers/wait.js';

function gateOver() {
  const out = new PassThrough();
  const written: string[] = [];
  out.on('data', (b) => written.push(String(b)));
  return { gate: outputGate(out as unknown as NodeJS.WriteStream), written };
}

test('afterNextWrite runs once, after the write that follows it, in its own task', async () => {
  const { gate } = gateOver();
  const order: string[] = [];
  gate.afterNextWrite(() => order.push('task'), 10_000);
  gate.stream.write('frame 1');
  order.push('after write'); // the task has not run inside write()
  await waitFor(() => order.includes('task'), { what: 'the task after the write' });
  gate.stream.write('frame 2');
  await pause(20);
  assert.deepEqual(order, ['after write', 'task']);
});

test('afterNextWrite falls back to its timer when nothing is drawn, and a later write does not run it again', async () => {
  const { gate } = gateOver();
  let runs = 0;
  gate.afterNextWrite(() => runs++, 30);
  await waitFor(() => runs === 1, { what: 'the fallback' });
  gate.stream.write('late frame');
  await pause(20);
  assert.equal(runs, 1);
});

test('a suspended gate drops writes, and they do not count as a frame drawn', async () => {
  const { gate, written } = gateOver();
  let runs = 0;
  gate.suspend();
  gate.afterNextWrite(() => runs++, 10_000);
  gate.stream.write('dropped');
  await pause(20);
  assert.equal(runs, 0);
  gate.resume();
  gate.stream.write('shown');
  await waitFor(() => runs === 1, { what: 'the task after the first write that reached the terminal' });
  assert.deepEqual(written, ['shown']);
});
