/**
 * Provision as the runbooks call it (issue 15): overrides on top of a profile, secrets from ~/.env and ~/.netrc,
 * and the runbook's rules (minimum disk for a kind, "never mosaic_small.yaml for MoE", GPUs to refuse).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { applyOverrides } from '../../src/core/profiles/overrides.js';
import { profileOfferQuery } from '../../src/core/profiles/profile-search.js';
import { ruleViolations } from '../../src/core/profiles/rules.js';
import { parseDotenv, parseNetrc } from '../../src/core/profiles/secret-files.js';
import { resolveEnv } from '../../src/core/ops/provision-request.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { runCli } from '../helpers/run-cli.js';
import { provisionRefusal } from '../../src/ui/offers/provision-flow.js';
import { offer } from '../checks/offer-fixture.js';
import { PROFILES_YAML } from './fixtures.js';

const RULES_YAML = `
rules:
  '*': { minDiskGb: 50 }
  moe: { minDiskGb: 64, neverConfigs: [mosaic_small.yaml], refuseGpus: [RTX_3060] }
profiles:
  moe:
    model: moe
    kind: moe
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel
    diskGb: 64
    label: mosaic-{model}-{gpu_type}
    onstart: { repo: https://github.com/acme/mosaic.git, train: python train.py, config: configs/mosaic_small_resume.yaml, runDir: runs/moe }
    search: { query: "num_gpus>=1 gpu_ram>=10", order: dph_total }
  moe-wrong:
    model: moe
    kind: moe
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel
    diskGb: 64
    onstart: { repo: https://github.com/acme/mosaic.git, train: python train.py, config: configs/mosaic_small.yaml, runDir: runs/moe }
  dense:
    model: dense
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel
    diskGb: 50
    env:
      HF_TOKEN: { fromFile: ~/.env }
      WANDB_API_KEY: { fromFile: ~/.env, key: WANDB_KEY }
      GH_TOKEN: { fromFile: ~/.netrc, machine: github.com }
`;
const HF = 'hf_DOTENVsecretDOTENV0123456789ab';
const WANDB = 'wandb0123456789abcdef0123456789abcdef01';
const GH = 'ghp_NETRCsecretNETRCsecret0123456789';

describe('overrides on top of a profile', () => {
  const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;

  test('--gpu --gpus --disk --image --branch --env change the search, the disk, the image, the clone and the env', () => {
    const { profile, applied } = applyOverrides(gpt2, {
      gpu: 'H100_PCIE',
      gpus: 4,
      diskGb: 128,
      image: 'ghcr.io/acme/train:cu128',
      branch: 'main',
      env: ['RUN_NAME=jan', 'WANDB_MODE'],
    });
    const q = profileOfferQuery(profile);
    assert.deepEqual(q.filters.gpu_name?.eq, 'H100 PCIE');
    assert.deepEqual(q.filters.num_gpus, { eq: 4 });
    assert.equal(q.filters.gpu_ram?.gte, 20, 'the rest of the query stays');
    assert.equal(profile.diskGb, 128);
    assert.equal(q.allocatedStorageGb, 128);
    assert.equal(profile.image, 'ghcr.io/acme/train:cu128');
    assert.equal(profile.onstart && 'ref' in profile.onstart ? profile.onstart.ref : null, 'main');
    assert.equal(profile.env.RUN_NAME, 'jan');
    assert.deepEqual(profile.env.WANDB_MODE, { fromEnv: 'WANDB_MODE' });
    assert.equal(applied.length, 7);
    assert.equal(gpt2.diskGb, 80, 'the loaded profile is not changed');
  });

  test('bad overrides are one line naming the flag; a secret on the command line is refused without echoing it', () => {
    assert.throws(
      () => applyOverrides(gpt2, { env: [`HF_TOKEN=${HF}`] }),
      (e: Error) => /--env HF_TOKEN=…: looks like a secret/.test(e.message) && !e.message.includes(HF),
    );
    assert.throws(
      () => applyOverrides(gpt2, { diskGb: 30 }),
      /not valid: .*diskGb.*needs.modelGb \+ needs.checkpointsGb = 60 GB/,
    );
    const tiny = parseProfiles(PROFILES_YAML, 'p.yaml').tiny!;
    assert.throws(
      () => applyOverrides(tiny, { branch: 'main' }),
      /--branch needs a profile whose onstart clones a repo/,
    );
  });
});

describe('profile rules', () => {
  const all = parseProfiles(RULES_YAML, 'p.yaml');
  test('rules by kind merge with "*": the larger minimum disk wins', () => {
    assert.deepEqual(all.moe!.rules, { minDiskGb: 64, neverConfigs: ['mosaic_small.yaml'], refuseGpus: ['RTX_3060'] });
    assert.deepEqual(all.dense!.rules, { minDiskGb: 50, neverConfigs: [], refuseGpus: [] });
  });
  test('never mosaic_small.yaml for MoE (mosaic_small_resume.yaml is fine); disk below the kind minimum; a refused GPU', () => {
    assert.deepEqual(ruleViolations(all.moe!), []);
    assert.deepEqual(ruleViolations(all['moe-wrong']!), [
      'config mosaic_small.yaml must never be used for moe (profile rule)',
    ]);
    assert.deepEqual(ruleViolations(applyOverrides(all.moe!, { diskGb: 50 }).profile), [
      "disk 50 GB is below the rule's 64 GB for moe; pass --disk 64 or more",
    ]);
    assert.deepEqual(ruleViolations(all.moe!, { gpuName: 'RTX 3060' }), ['RTX 3060 is refused for moe (profile rule)']);
  });
  test("the TUI's provision confirmation refuses the same way (no --force there)", () => {
    assert.equal(
      provisionRefusal('moe', offer({ id: 7, gpuName: 'RTX 3060' }), undefined, all.moe!),
      'profile moe refuses offer 7: RTX 3060 is refused for moe (profile rule)',
    );
    assert.match(
      provisionRefusal('moe-wrong', offer({ id: 8 }), undefined, all['moe-wrong']!)!,
      /refuses offer 8: config mosaic_small.yaml must never be used for moe/,
    );
    assert.equal(provisionRefusal('moe', offer({ id: 9, gpuName: 'RTX 3090' }), undefined, all.moe!), null);
  });
});

describe('secrets from ~/.env and ~/.netrc', () => {
  test('dotenv and netrc parsing', () => {
    const env = parseDotenv(`# comment\nexport HF_TOKEN="${HF}"\nWANDB_KEY=${WANDB} # trailing\nEMPTY=\nQ='a b'\n`);
    assert.deepEqual(
      [env.get('HF_TOKEN'), env.get('WANDB_KEY'), env.get('EMPTY'), env.get('Q')],
      [HF, WANDB, '', 'a b'],
    );
    const n = parseNetrc(
      `machine api.wandb.ai\n  login user\n  password p1\nmachine github.com login x password ${GH}\ndefault ` +
        `login anon password d\n`,
    );
    assert.deepEqual(n.get('github.com'), { login: 'x', password: GH });
    assert.equal(n.get('default')?.password, 'd');
  });

  test('resolveEnv reads fromFile references under $HOME; a missing key names file and key, never a value', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'vd-home-'));
    writeFileSync(path.join(home, '.env'), `HF_TOKEN=${HF}\nWANDB_KEY=${WANDB}\n`, { mode: 0o600 });
    writeFileSync(path.join(home, '.netrc'), `machine github.com login me password ${GH}\n`, { mode: 0o600 });
    const dense = parseProfiles(RULES_YAML, 'p.yaml').dense!;
    const r = resolveEnv(dense, { HOME: home }, null);
    assert.deepEqual(r.env, { HF_TOKEN: HF, WANDB_API_KEY: WANDB, GH_TOKEN: GH });
    assert.deepEqual(r.secretValues.sort(), [GH, HF, WANDB].sort());
    writeFileSync(path.join(home, '.env'), `HF_TOKEN=${HF}\n`);
    assert.throws(
      () => resolveEnv(dense, { HOME: home }, null),
      (e: Error) => e.message === 'env WANDB_API_KEY: ~/.env does not set WANDB_KEY',
    );
    assert.throws(
      () => resolveEnv(dense, { HOME: path.join(home, 'nope') }, null),
      /env HF_TOKEN: ~\/\.env does not exist/,
    );
  });
});

describe('provision --dry-run with overrides, fromFile secrets and rules (simulator)', () => {
  let sim: SimHandle;
  let dir: string;
  before(async () => {
    sim = await startSimulator({
      seed: 9,
      rateLimit: false,
      scenario: { market: { size: 3000 }, secrets: { WANDB_API_KEY: 'wandb-account-value' } },
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-ovr-'));
    writeFileSync(path.join(dir, 'p.yaml'), PROFILES_YAML);
    writeFileSync(path.join(dir, 'rules.yaml'), RULES_YAML);
    mkdirSync(path.join(dir, 'home'));
    writeFileSync(path.join(dir, 'home', '.env'), `HF_TOKEN=${HF}\nWANDB_KEY=${WANDB}\n`);
    writeFileSync(path.join(dir, 'home', '.netrc'), `machine github.com login me password ${GH}\n`);
  });
  after(() => sim.close());
  const cli = (argv: string[]) =>
    runCli(['provision', ...argv, '--dry-run', '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: {
        HOME: path.join(dir, 'home'),
        XDG_STATE_HOME: path.join(dir, 'state'),
        XDG_CONFIG_HOME: path.join(dir, 'config'),
        HF_TOKEN: 'hf_ENVsecretENVsecret0123456789abcd',
        VAST_API_KEY: '',
      },
    });

  test('the dry run shows the result of the overrides', async () => {
    const r = await cli([
      '--profile',
      'gpt2',
      '--profiles',
      path.join(dir, 'p.yaml'),
      '--best',
      '--gpu',
      'H100_PCIE',
      '--gpus',
      '4',
      '--disk',
      '128',
      '--branch',
      'main',
      '--env',
      'RUN_NAME=jan',
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /would rent offer \d+ \(4× H100 PCIE,/);
    assert.match(r.out, /override --gpu H100_PCIE: search gpu_name=H100_PCIE/);
    assert.match(r.out, /search: .*num_gpus=4 .*gpu_name=H100_PCIE|search: .*gpu_name=H100_PCIE.*num_gpus=4/);
    const body = JSON.parse(r.out.slice(r.out.indexOf('{')));
    assert.equal(body.disk, 128);
    assert.match(body.onstart, /git checkout main/);
    assert.deepEqual(Object.keys(body.env).sort(), [
      'HF_HUB_ENABLE_HF_TRANSFER',
      'HF_TOKEN',
      'RUN_NAME',
      'VASTDECK_NONCE',
      'VASTDECK_RUN_ID',
    ]);
    assert.equal((await new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }).listInstances()).length, 0);
  });

  test('secrets from ~/.env and ~/.netrc are sent masked and never printed', async () => {
    const r = await cli(['--profile', 'dense', '--profiles', path.join(dir, 'rules.yaml'), '--best']);
    assert.equal(r.code, 0, r.err);
    const body = JSON.parse(r.out.slice(r.out.indexOf('{')));
    const { VASTDECK_NONCE: nonce, VASTDECK_RUN_ID: runId, ...secrets } = body.env;
    assert.deepEqual(secrets, { HF_TOKEN: '*****', WANDB_API_KEY: '*****', GH_TOKEN: '*****' });
    assert.equal(runId, `vd-${nonce}`, 'the nonce and the run id are not secrets: shown as they are');
    for (const s of [HF, WANDB, GH]) assert.equal((r.out + r.err).includes(s), false);
  });

  test('the rules refuse in the dry run: never mosaic_small.yaml for MoE, a disk below the minimum, a refused GPU', async () => {
    const wrong = await cli(['--profile', 'moe-wrong', '--profiles', path.join(dir, 'rules.yaml'), '--best']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /profile moe-wrong breaks its rules: config mosaic_small.yaml must never be used for moe/);
    const small = await cli(['--profile', 'moe', '--profiles', path.join(dir, 'rules.yaml'), '--best', '--disk', '50']);
    assert.equal(small.code, 2);
    assert.match(small.err, /with these overrides breaks its rules: disk 50 GB is below the rule's 64 GB for moe/);
    const gpu = await cli([
      '--profile',
      'moe',
      '--profiles',
      path.join(dir, 'rules.yaml'),
      '--best',
      '--gpu',
      'RTX_3060',
    ]);
    assert.notEqual(gpu.code, 0);
    assert.match(gpu.err, /passes the checks/);
    const ok = await cli(['--profile', 'moe', '--profiles', path.join(dir, 'rules.yaml'), '--best']);
    assert.equal(ok.code, 0, ok.err);
    assert.doesNotMatch(ok.out, /\(\d+× RTX 3060,/);
  });
});
