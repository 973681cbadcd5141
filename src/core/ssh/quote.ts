/** POSIX shell quoting for text that is sent to a remote shell (paths, session names). */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for a POSIX shell. Safe words pass through unchanged so commands stay readable;
 * anything else is single-quoted with embedded quotes written as '\''. A leading '-' is left alone
 * here; callers that pass user text as an argument put `--` before it.
 */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
