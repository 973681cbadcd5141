// Remote text is cleaned by one function (sanitize.ts) on every print path — bidi overrides and isolates too —
// and a secret is redacted in the forms it takes when serialized (`zz"QUOTE\77` appeared as `zz\"QUOTE\\77`
// in stderr and the journal when a server echoed the body).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeLine, sanitizeText, jsonSafe } from '../../src/core/util/sanitize.js';
import { secretForms } from '../../src/core/util/redact.js';
import { redact, registerSecret } from '../../src/cli/output.js';
import { errorFromStatus, makeRedactor, malformed, VastError } from '../../src/core/vast/errors.js';
import { scrub } from '../../src/core/journal/record.js';
import { describeZodError } from '../../src/core/util/zod-message.js';
import * as z from 'zod';

const BIDI = [
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
];
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('sanitize', () => {
  test('bidi overrides, embeddings, isolates and marks are removed', () => {
    for (const c of BIDI) assert.equal(sanitizeLine(`a${c}b`), 'ab', `U+${c.codePointAt(0)!.toString(16)}`);
    assert.equal(sanitizeText(`x\u202ey\nz\u2066w`), 'xy\nzw');
  });

  test('OSC 52 and OSC 2 in an id are gone', () => {
    assert.equal(sanitizeLine('12\x1b]52;c;aGVsbG8=\x07\x1b]2;pwned\x1b\\34'), '1234');
  });

  test('JSON output keeps the data but escapes C1, DEL and bidi so none leaves raw', () => {
    const v = { label: 'a\u202eb\x9bc\x7fd\x1be' };
    const out = jsonSafe(JSON.stringify(v));
    assert.doesNotMatch(out, UNSAFE);
    assert.deepEqual(JSON.parse(out), v);
  });

  test('a zod message quoting a received value is clean', () => {
    const r = z.strictObject({ a: z.literal('x') }).safeParse({ a: 'x', '\x1b]52;c;QQ==\x07k\u202e': 1 });
    assert.ok(!r.success);
    assert.doesNotMatch(describeZodError(r.error), UNSAFE);
  });

  test('a VastError never carries control sequences, whoever builds it', () => {
    assert.doesNotMatch(malformed('GET /x', 'instance row "\x1b]52;c;QQ==\x07"').message, UNSAFE);
    assert.doesNotMatch(
      new VastError('server', 'boom \x1b]2;title\x07 \u202e', { endpoint: 'GET /x' }).message,
      UNSAFE,
    );
  });
});

describe('redaction of serialized forms', () => {
  const secret = 'zz"QUOTE\\77key';
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    Buffer.from(secret).toString('base64'),
  ];

  test('secretForms lists the raw, JSON-escaped (twice), URL-encoded and base64 forms', () => {
    const f = secretForms(secret);
    for (const x of forms) assert.ok(f.includes(x), x);
  });

  test('the CLI redactor removes every form', () => {
    registerSecret(secret);
    for (const x of forms) assert.equal(redact(`before ${x} after`), 'before <redacted> after', x);
  });

  test('a server echoing the key JSON-escaped: the VastError message has no form of it', () => {
    const body = JSON.stringify({ msg: `bad request ${JSON.stringify({ authorization: `Bearer ${secret}` })}` });
    const err = errorFromStatus(400, body, 'PUT /x', makeRedactor(secret));
    for (const x of forms) assert.ok(!err.message.includes(x), err.message);
  });

  test('the journal scrubs every form', () => {
    const rec = scrub({ message: `echo ${JSON.stringify({ v: secret })} and ${encodeURIComponent(secret)}` }, [
      secret,
    ]) as { message: string };
    for (const x of forms) assert.ok(!rec.message.includes(x), rec.message);
  });
});
