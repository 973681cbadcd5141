import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { useSpinner, SPINNER_FRAMES } from '../../src/ui/spinner.js';

function Probe({ active }: { active: boolean }) {
  const s = useSpinner(active, 20);
  return <Text>[{s}]</Text>;
}

test('the spinner animates only while its work runs; idle draws no frames', async () => {
  const idle = render(<Probe active={false} />);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(idle.frames.length, 1, 'idle: the first frame only');
  assert.equal(idle.lastFrame(), '[]');
  idle.rerender(<Probe active />);
  await new Promise((r) => setTimeout(r, 150));
  const busy = idle.frames.length;
  assert.ok(busy >= 4, `${busy} frames while active`);
  assert.ok(SPINNER_FRAMES.some((f) => idle.lastFrame() === `[${f}]`));
  idle.rerender(<Probe active={false} />);
  const stopped = idle.frames.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(idle.frames.length <= stopped + 1, 'no frames after the work ended');
  assert.equal(idle.lastFrame(), '[]');
  idle.unmount();
});
