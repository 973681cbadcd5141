// Bad numbers get one line that names the flag and the expected form: `--limit -5` said "argument is
// ambiguous", `destroy 99999999999999999999999` reported "instance 1e+23", `wait --timeout 5` was 5 seconds.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFlag, instanceId, intFlag, numberFlag, parseCommand } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/output.js';
import { bundleCli, runCli } from '../helpers/run-cli.js';

const usage = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'));

describe('the number parsers', () => {
  test("a negative value after a flag is the flag's value, judged by the flag", () => {
    const { values } = parseCommand(['--limit', '-5'], { limit: { type: 'string' } }, 'offers');
    assert.equal(values.limit, '-5');
    usage(
      () => intFlag(values.limit, 'limit', 1, 10000),
      /^--limit must be a whole number from 1 to 10000 \(got "-5"\)$/,
    );
    usage(() => parseCommand(['--json', '-5'], { json: { type: 'boolean' } }, 'offers'), /^offers: .*-5/);
  });

  test('whole numbers are digits only: no hex, exponent, blank or fraction', () => {
    assert.equal(intFlag('42', 'limit', 1, 100), 42);
    assert.equal(intFlag('-3', 'n', -5, 5), -3);
    for (const bad of ['0x10', '1e3', '', ' ', '4.0', '4.5', 'Infinity', '1_000'])
      usage(() => intFlag(bad, 'limit', 0, 1e6), /^--limit must be a whole number/);
  });

  test('prices and other numbers are plain decimals', () => {
    assert.equal(numberFlag('0.35', 'bid', 0.001, 128), 0.35);
    assert.equal(numberFlag('2', 'bid', 0.001, 128), 2);
    for (const bad of ['0x1', '1e2', '', '.', 'NaN', '$1', '1,5'])
      usage(() => numberFlag(bad, 'bid', 0, 1000), /^--bid must be a number from 0 to 1000/);
  });

  test('instance IDs: positive whole numbers that fit, named as typed', () => {
    assert.equal(instanceId('123', 'destroy'), 123);
    for (const bad of ['99999999999999999999999', '0', '-4', '12a', '1e5', '0x1f', ''])
      usage(
        () => instanceId(bad, 'destroy'),
        new RegExp(
          `^destroy: instance ID must be a positive whole number \\(got "${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\)$`,
        ),
      );
  });

  test('durations need a unit: "5" is refused, not read as 5 seconds', () => {
    assert.equal(durationFlag('90s', 'timeout'), 90_000);
    assert.equal(durationFlag('1h30m', 'timeout'), 5_400_000);
    usage(
      () => durationFlag('5', 'timeout'),
      /^--timeout must be a duration with a unit, like 90s, 30m, 8h or 2d \(got "5"\)$/,
    );
    usage(() => durationFlag('soon', 'every'), /^--every must be a duration/);
    usage(() => durationFlag('0s', 'timeout'), /^--timeout must be/);
  });
});

describe('bad numbers at the command line', () => {
  let script: string;
  before(async () => {
    script = await bundleCli();
  });
  const run = (args: string[]) => runCli(args, { script, clean: true, env: { HOME: '/nonexistent-vastdeck-home' } });

  test('offers --limit -5, destroy 99999999999999999999999, wait --timeout 5: one line naming the flag, exit 2', async () => {
    const [limit, destroy, wait, migrate] = await Promise.all([
      run(['offers', '--limit', '-5', '--api-key', 'k-123456']),
      run(['destroy', '99999999999999999999999', '--api-key', 'k-123456']),
      run(['wait', '123', '--timeout', '5', '--api-key', 'k-123456']),
      run(['migrate', '99999999999999999999999', '--profile', 'p', '--api-key', 'k-123456']),
    ]);
    assert.deepEqual(
      [limit.code, destroy.code, wait.code, migrate.code],
      [2, 2, 2, 2],
      limit.err + destroy.err + wait.err + migrate.err,
    );
    assert.equal(limit.err, 'vastdeck: --limit must be a whole number from 1 to 10000 (got "-5")\n');
    assert.equal(
      destroy.err,
      'vastdeck: destroy: instance ID must be a positive whole number (got "99999999999999999999999")\n',
    );
    assert.doesNotMatch(destroy.err + migrate.err, /e\+/);
    assert.match(
      wait.err,
      /^vastdeck: --timeout must be a duration with a unit, like 90s, 30m, 8h or 2d \(got "5"\)\n$/,
    );
  });
});
