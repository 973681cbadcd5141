import type { $ZodError } from 'zod/v4/core';
import { sanitizeLine } from './sanitize.js';

/**
 * One line describing the first problem in a zod error: the field path and what was expected, e.g.
 * `field "pollSeconds": expected a number ≥ 2 (got 1)`. Used for config, profile, theme and scenario files.
 */
export function describeZodError(error: $ZodError): string {
  // Paths, keys and messages can quote what was received (a key from a file or an answer): one clean line.
  return sanitizeLine(describe(error));
}

function describe(error: $ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const where = issue.path.length ? `field "${issue.path.join('.')}"` : 'top level';
  const more =
    error.issues.length > 1
      ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})`
      : '';
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${more}`;
  }
  return `${where}: ${issue.message}${more}`;
}
