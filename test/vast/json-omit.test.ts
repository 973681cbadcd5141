// withoutMember cuts one top-level member out of a JSON object's text (the listing's label_counts, ~190 KB a page
// at 10,000 labels). Whatever the text, parsing the result gives what parsing the whole text gives, less that member.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textWithout, withoutMember } from '../../src/core/vast/json-omit.js';

function expected(text: string, key: string): unknown {
  const v = JSON.parse(text) as Record<string, unknown>;
  delete v[key];
  return v;
}

const nasty = ['plain', 'a "quoted" label', 'back\\slash\\', 'braces {}[],:', '"label_counts":{', 'ünï 🚀', '\\"', ''];

test('the listing page: label_counts gone, the rest intact, wherever it stands and however it is spaced', () => {
  const counts = Object.fromEntries(nasty.map((l, i) => [l, i]));
  const rows = [
    { id: 1, label: '"label_counts":{"x":1}', extra_env: [['K', '}']] },
    { id: 2, label_counts: 3 },
  ];
  const members: Array<[string, unknown]> = [
    ['success', true],
    ['total_instances', 2],
    ['label_counts', counts],
    ['next_token', 'a\\"b'],
    ['instances', rows],
  ];
  for (let at = 0; at < members.length; at++) {
    const order = members.filter((m) => m[0] !== 'label_counts');
    order.splice(at, 0, ['label_counts', counts]);
    const obj = Object.fromEntries(order);
    for (const text of [JSON.stringify(obj), JSON.stringify(obj, null, 2), ` \n${JSON.stringify(obj, null, '\t')} `]) {
      const out = withoutMember(text, 'label_counts');
      assert.ok(out.length < text.length, `cut at position ${at}`);
      assert.deepEqual(JSON.parse(out), expected(text, 'label_counts'));
    }
  }
});

test('scalars, empty objects, a lone member and a missing one', () => {
  const cases = [
    '{"label_counts":{}}',
    '{"label_counts":null,"a":1}',
    '{"a":-1.5e3,"label_counts":7}',
    '{"a":[1,{"label_counts":2}],"b":"label_counts"}',
    '{}',
    '{"a":"x\\\\","label_counts":{"\\\\":1},"b":[]}',
  ];
  for (const text of cases)
    assert.deepEqual(JSON.parse(withoutMember(text, 'label_counts')), expected(text, 'label_counts'));
  assert.equal(withoutMember('{"a":[1,{"label_counts":2}]}', 'label_counts'), '{"a":[1,{"label_counts":2}]}');
});

test('text it does not expect comes back unchanged (JSON.parse then says what is wrong)', () => {
  for (const text of ['', '[1,2]', '{"a":', '{"label_counts":{"x":1}', '{"a":1 "label_counts":2}', 'not json', '{"a"}'])
    assert.equal(withoutMember(text, 'label_counts'), text);
});

test('random objects: same as parse-then-delete', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const value = (depth: number): unknown => {
    const k = rand(depth > 2 ? 4 : 6);
    if (k === 0) return nasty[rand(nasty.length)];
    if (k === 1) return rand(1000) - 500;
    if (k === 2) return rand(2) === 0 ? null : true;
    if (k === 3) return nasty[rand(nasty.length)]!.repeat(rand(3));
    if (k === 4) return Array.from({ length: rand(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: rand(4) }, () => [nasty[rand(nasty.length)]!, value(depth + 1)]));
  };
  for (let n = 0; n < 500; n++) {
    const obj = Object.fromEntries(
      Array.from({ length: 1 + rand(5) }, () => [
        rand(3) === 0 ? 'label_counts' : nasty[rand(nasty.length)]!,
        value(0),
      ]),
    );
    const text = JSON.stringify(obj, null, rand(2) === 0 ? undefined : 1);
    assert.deepEqual(JSON.parse(withoutMember(text, 'label_counts')), expected(text, 'label_counts'), text);
    assert.deepEqual(JSON.parse(textWithout(Buffer.from(text), 'label_counts')), expected(text, 'label_counts'), text);
  }
});

test('from the body bytes: a byte-order mark dropped, multi-byte text whole, an odd body decoded whole', () => {
  const text = '{"label":"ünï 🚀 ‘x’","label_counts":{"ünï 🚀":1,"\\"":2},"b":"é"}';
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  for (const bytes of [Buffer.from(text), bom, new Uint8Array(bom.buffer, bom.byteOffset, bom.byteLength)])
    assert.deepEqual(JSON.parse(textWithout(bytes, 'label_counts')), { label: 'ünï 🚀 ‘x’', b: 'é' });
  // A body inside a bigger buffer (a slice of the socket's pool) is read from its own offset.
  const pooled = Buffer.concat([Buffer.from('xx{"label_counts":1}'), Buffer.from('{"a":"b"}')]).subarray(2, 20);
  assert.equal(textWithout(pooled, 'label_counts'), '{}');
  for (const odd of ['{"a":', 'not json ü', '[{"label_counts":1}]'])
    assert.equal(textWithout(Buffer.from(odd), 'label_counts'), odd);
  assert.equal(textWithout(Buffer.from('\ufeff{"a":1}'), 'label_counts'), '{"a":1}');
});

test('a 10,000-label label_counts, flat or with a container nested at its end: cut, and the rest intact', () => {
  const labels = Array.from({ length: 10_000 }, (_, i) => [`fs-${i}-{"x"}[,]`, i] as [string, unknown]);
  for (const counts of [Object.fromEntries(labels), Object.fromEntries([...labels, ['nested', { a: [1, '}'] }]])]) {
    const text = JSON.stringify({ success: true, label_counts: counts, instances: [{ id: 1, label: '{' }] });
    assert.deepEqual(JSON.parse(withoutMember(text, 'label_counts')), expected(text, 'label_counts'));
  }
});
