/**
 * Snapshot diffing for the Vast logs API, which has no follow mode (vast-api.md §6): each poll returns the
 * last N lines, so the new lines are what follows the longest overlap between the end of the previous
 * snapshot and the start of the new one.
 */

/** The result of comparing two snapshots. */
export interface SnapshotDiff {
  /** Lines not seen in the previous snapshot, oldest first. */
  added: string[];
  /** True when no overlap was found although both had lines: more was written than one snapshot holds. */
  gap: boolean;
}

/** Lines of `next` after its overlap with the end of `prev`. O(n·k) with early exits; n ≤ a few thousand. */
export function diffSnapshots(prev: readonly string[], next: readonly string[]): SnapshotDiff {
  if (prev.length === 0) return { added: [...next], gap: false };
  if (next.length === 0) return { added: [], gap: false };
  // Try the largest overlap first: prev[i..] == next[0..prev.length-i].
  for (let i = Math.max(0, prev.length - next.length); i < prev.length; i++) {
    if (prev[i] !== next[0]) continue;
    let j = 1;
    while (i + j < prev.length && prev[i + j] === next[j]) j++;
    if (i + j === prev.length) return { added: next.slice(j), gap: false };
  }
  return { added: [...next], gap: true };
}

/** Splits log text into lines; a trailing newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
