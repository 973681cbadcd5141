import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProfile, parseProfiles, ProfileError, defaultProfilesPath } from '../../src/core/profiles/load.js';
import { gpuType, renderLabel, splitNonce, withNonce, newNonce } from '../../src/core/profiles/label.js';
import { renderOnstart } from '../../src/core/profiles/onstart.js';
import { looksLikeToken } from '../../src/core/profiles/secrets.js';
import { PROFILES_YAML } from './fixtures.js';

const F = '/home/u/.config/vastdeck/instance_profiles.yaml';

function fails(yaml: string, re: RegExp): void {
  assert.throws(
    () => parseProfiles(yaml, F),
    (err: Error) => {
      assert.ok(err instanceof ProfileError, String(err));
      assert.equal(err.message.includes('\n'), false, 'one line');
      assert.match(err.message, re);
      return true;
    },
  );
}

test('a full profile parses with its defaults filled in', () => {
  const all = parseProfiles(PROFILES_YAML, F);
  const p = all.gpt2!;
  assert.equal(p.image, 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel');
  assert.equal(p.checkpoint?.kind, 'hf');
  assert.equal(p.checkpoint?.kind === 'hf' && p.checkpoint.revision, 'main');
  assert.deepEqual(p.env.HF_TOKEN, { fromEnv: 'HF_TOKEN' });
  assert.equal(p.search.type, 'on-demand');
  assert.equal(all.tiny!.label, '{model}-{gpu_type}');
  assert.deepEqual(all.tiny!.throughput, {});
});

test('a wrong type names the file, the profile, the field and what was expected', () => {
  fails(
    PROFILES_YAML.replace('ramGb: 32', 'ramGb: lots'),
    new RegExp(
      [
        '^\\/home\\/u\\/\\.config\\/vastdeck\\/instance_profiles\\.yaml: profile "gpt2": field "min\\.ramGb": ',
        'expected number, received string',
      ].join(''),
    ),
  );
});

test('a typo in a key is an unknown-key error, not silently ignored', () => {
  fails(PROFILES_YAML.replace('excludeGpus:', 'excludeGPUs:'), /profile "gpt2": unknown key "excludeGPUs"/);
});

test('a token written inline is refused, naming the field', () => {
  fails(
    PROFILES_YAML.replace('HF_TOKEN: { fromEnv: HF_TOKEN }', 'HF_TOKEN: hf_abcdefghijklmnopqrstuvwxyz123456'),
    /profile "gpt2": field "env\.HF_TOKEN": looks like a secret written inline/,
  );
  // A literal under a secret-sounding name is refused even when short.
  fails(PROFILES_YAML.replace('HF_HUB_ENABLE_HF_TRANSFER: "1"', 'MY_API_KEY: "abc"'), /field "env\.MY_API_KEY"/);
  // A random-looking value under an innocent name too.
  fails(PROFILES_YAML.replace('HF_HUB_ENABLE_HF_TRANSFER: "1"', 'FOO: "a8Fk2LmQ9zXw4RtY7uPc3VbN"'), /field "env\.FOO"/);
});

test('the error message never repeats the inlined token', () => {
  const token = 'hf_abcdefghijklmnopqrstuvwxyz123456';
  assert.throws(
    () => parseProfiles(PROFILES_YAML.replace('HF_TOKEN: { fromEnv: HF_TOKEN }', `HF_TOKEN: ${token}`), F),
    (err: Error) => !err.message.includes(token),
  );
});

test('a token inside the onstart or resume command is refused', () => {
  fails(
    PROFILES_YAML.replace(
      'pip install -r requirements.txt',
      'huggingface-cli login --token hf_abcdefghijklmnopqrstuvwxyz123456',
    ),
    /field "onstart": contains something that looks like a token/,
  );
  fails(
    PROFILES_YAML.replace('--resume latest', '--resume latest --token ghp_abcdefghijklmnopqrstuvwxyz1234'),
    /field "resume"/,
  );
});

test('a checkpoint store with an unknown kind names the field', () => {
  fails(PROFILES_YAML.replace('kind: hf,', 'kind: s3,'), /profile "gpt2": field "checkpoint\.kind"/);
  fails(
    PROFILES_YAML.replace('repo: acme/gpt2-ckpt', 'repo: nope'),
    /field "checkpoint\.repo": expected "owner\/name"/,
  );
});

test('disk smaller than model + checkpoints is refused', () => {
  fails(
    PROFILES_YAML.replace('diskGb: 80', 'diskGb: 50'),
    /profile "gpt2": field "diskGb": expected at least .* = 60 GB \(got 50\)/,
  );
});

test('broken YAML is reported with file and line', () => {
  fails('profiles:\n  a: [x\n  b: 1\n', /instance_profiles\.yaml(:\d+)?: not valid YAML/);
});

test('loadProfile reads the file and lists the profiles for an unknown name', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-prof-'));
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, PROFILES_YAML);
  assert.equal((await loadProfile('tiny', file)).diskGb, 20);
  await assert.rejects(loadProfile('gpt3', file), /no profile "gpt3"; profiles: gpt2, tiny/);
  await assert.rejects(loadProfile('x', path.join(dir, 'none.yaml')), /no such file; .*--profiles FILE/);
  assert.equal(defaultProfilesPath({ XDG_CONFIG_HOME: '/x' }), '/x/vastdeck/instance_profiles.yaml');
});

test('labels follow the template: mosaic-{model}-{gpu_type} → mosaic-gpt2-4x3090', () => {
  assert.equal(
    renderLabel('mosaic-{model}-{gpu_type}', { model: 'gpt2', numGpus: 4, gpuName: 'RTX 3090' }),
    'mosaic-gpt2-4x3090',
  );
  assert.equal(gpuType(8, 'H100 SXM'), '8xh100sxm');
  assert.equal(gpuType(2, 'RTX A6000'), '2xa6000');
  const n = newNonce();
  assert.match(n, /^[a-z0-9]{8}$/);
  assert.notEqual(n, newNonce());
  assert.deepEqual(splitNonce(withNonce('mosaic-gpt2-4x3090', n)), { base: 'mosaic-gpt2-4x3090', nonce: n });
  assert.deepEqual(splitNonce('hand-made label'), { base: 'hand-made label', nonce: null });
});

test('the onstart script clones, installs, and starts training in tmux session train with --config and --run-dir', () => {
  const p = parseProfiles(PROFILES_YAML, F).gpt2!;
  const s = renderOnstart(p)!;
  assert.match(s, /git clone https:\/\/github\.com\/acme\/mosaic\.git \/workspace\/code/);
  assert.match(s, /pip install -r requirements\.txt/);
  assert.match(
    s,
    /tmux new-session -d -s train '.*python train\.py --config configs\/gpt2\.yaml --run-dir \/workspace\/runs\/gpt2/,
  );
  assert.ok(
    s.indexOf('git clone') < s.indexOf('pip install') && s.indexOf('pip install') < s.indexOf('tmux new-session'),
  );
  assert.equal(renderOnstart(parseProfiles(PROFILES_YAML, F).tiny!), null);
});

test('token detection: tokens yes, ordinary settings no', () => {
  for (const t of [
    'hf_abcdefghijklmnopqrstuvwxyz123456',
    'ghp_abcdefghijklmnopqrstuvwxyz123456',
    'AKIAABCDEFGHIJKLMNOP',
    '0123456789abcdef0123456789abcdef01234567',
  ])
    assert.ok(looksLikeToken(t), t);
  for (const v of [
    '1',
    'offline',
    'en_US.UTF-8',
    '/workspace/cache',
    'https://example.com/a/b',
    'mosaic-gpt2-experiments',
  ])
    assert.ok(!looksLikeToken(v), v);
});
