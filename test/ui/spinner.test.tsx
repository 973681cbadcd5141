import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { useSpinner, SPINNER_FRAMES } from '../../src/ui/spinner.js';
import { pause, waitFor } from '../helpers/wait.js';

function Probe({ active }: { active: boolean }) {
  const s = useSpinner(active, 20);
  return <Text>[{s}]</Text>;
}

test('the spinner animates only while its work runs; idle draws no frames', async () => {
  const idle = render(<Probe active={false} />);
  // Quiet periods are the subject of the idle and stopped checks: seven 20 ms spinner intervals pass without a frame.
  await pause(150);
  assert.equal(idle.frames.length, 1, 'idle: the first frame only');
  assert.equal(idle.lastFrame(), '[]');
  idle.rerender(<Probe active />);
  await waitFor(() => idle.frames.length >= 5, { what: 'four spinner frames while active', timeoutMs: 2000 });
  assert.ok(SPINNER_FRAMES.some((f) => idle.lastFrame() === `[${f}]`));
  idle.rerender(<Probe active={false} />);
  const stopped = idle.frames.length;
  await pause(150);
  assert.ok(idle.frames.length <= stopped + 1, 'no frames after the work ended');
  assert.equal(idle.lastFrame(), '[]');
  idle.unmount();
});
