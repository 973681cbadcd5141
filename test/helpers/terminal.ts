/**
 * An in-memory terminal for frame tests: a stdout that records Ink's frames (and when they were written, for
 * benches) at a chosen size, and a stdin that feeds keys the way a TTY does. ink-testing-library fixes the
 * width at 100 columns; these let a test pick any size.
 */
import { EventEmitter } from 'node:events';

/** A stdout of `columns`×`rows` that keeps every write. */
export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  /** performance.now() of each frame write. */
  times: number[] = [];
  isTTY = false;
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (s: string) => (this.frames.push(s), this.times.push(performance.now()), true);
}

/** A TTY-like stdin: write(keys) delivers them to Ink as one read. */
export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string) {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/** Text with CSI sequences (colours, cursor moves) removed. */
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
