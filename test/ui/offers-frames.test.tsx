import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mountOffers } from './offers-harness.js';
import { fastOffersStore } from './fast-offers-store.js';
import { profileApplied, untilFrame } from './frame-wait.js';
import { waitFor } from '../helpers/wait.js';

const KEY = { enter: '\r', escape: '\x1b', down: '\x1b[B' };
const rowLines = (lines: string[]) => lines.filter((l) => /^[› ][✓!✗ ] /.test(l));

describe('offer browser frames', () => {
  test('80×24: o opens it, columns fit, frame below 24 rows, escape goes back', async () => {
    const m = await mountOffers({ columns: 80, rows: 24 });
    await m.press('o');
    const lines = m.lines();
    assert.ok(lines.length <= 23, `${lines.length} lines`);
    assert.match(lines[1]!, /^offers {2}profile none {2}verified hosts {2}300 offers/);
    assert.match(lines[2]!, /FIT .*GPU .*N .*VRAM .*RAM .*\$\/HR↑/);
    assert.ok(lines.every((l) => l.length <= 80));
    assert.ok(rowLines(lines).length >= 10);
    await m.press(KEY.escape);
    assert.match(m.frame(), /LABEL/);
    m.unmount();
  });

  test('200×50: every column, cheapest first, fit marks with reasons', async () => {
    const m = await mountOffers({ columns: 200, rows: 50 });
    await m.press('o');
    const lines = m.lines();
    assert.match(
      lines[2]!,
      /FIT\s+ID\s+GPU\s+N\s+VRAM\s+RAM\s+DISK\s+DOWN\s+UP\s+REL\s+\$\/HR↑\s+DLP\/\$\s+LOCATION\s+CUDA\s+WHY/,
    );
    const rows = rowLines(lines);
    const prices = rows.map((r) => Number(/\$(\d+\.\d+)/.exec(r)![1]));
    assert.deepEqual(
      prices,
      [...prices].sort((a, b) => a - b),
    );
    // Sort by inet down with I: best (fastest) first; again: the slowest first, a 1–2 Mbps trap host fails with the
    // reason.
    await m.press('I');
    const downs = rowLines(m.lines()).map((r) => Number(/\s(\d+)\s+\d+\s+[\d.]+\s+\$/.exec(r)![1]));
    assert.deepEqual(
      downs,
      [...downs].sort((a, b) => b - a),
      'fastest first on the first press',
    );
    await m.press('I');
    const slow = rowLines(m.lines())[0]!;
    assert.match(slow, /^›✗ .*inet \d(\.\d)?Mbps/);
    m.unmount();
  });

  test('filter in query syntax narrows live, enter also searches the server; bad field says so', async () => {
    // The real store and clock: this test reads Vast's 6 s search spacing off the screen.
    const m = await mountOffers({ columns: 160, rows: 40 });
    await m.press('o');
    await m.press('/');
    await m.type('num_gpus>=4');
    const during = rowLines(m.lines());
    assert.ok(during.length > 0);
    const byId = new Map(m.offers.map((o) => [o.id, o]));
    for (const r of during) assert.ok(byId.get(Number(/\d{8}/.exec(r)![0]))!.numGpus >= 4, r);
    await m.press(KEY.enter);
    // The server search waits for Vast's limit (one search per 6 s) and says when it will run.
    assert.match(m.lines()[1]!, /filter num_gpus>=4 {2}verified hosts {2}\d+\/300 offers {2}next search in [1-6] s/);
    await waitFor(() => m.searches.length >= 2, { what: 'the server search after the 6 s spacing', timeoutMs: 15_000 });
    assert.deepEqual(m.searches.at(-1)!.filters.num_gpus, { gte: 4 });
    await m.press('/');
    await m.type(' gpu_rma>1');
    assert.match(m.frame(), /unknown offer field "gpu_rma"/);
    m.unmount();
  });

  test('filter traps: GPU names match as on Vast, an unknown one names the closest, ctrl+u clears, errors clear after a search, v and $ do what the screen says', async () => {
    const { store, prepare } = fastOffersStore();
    const m = await mountOffers({ columns: 200, rows: 40, prepare, deps: { store } });
    await m.press('o');
    assert.match(m.lines().at(-1)!, /\$ sort \$\/hr/, 'the footer says what $ does here');
    assert.doesNotMatch(m.lines().at(-1)!, /\$ cost/);
    /** Waits until search n ran and its answer is in (nothing loading or queued) and drawn. */
    const waitSearches = async (n: number) => {
      const idle = () => !store.getSnapshot().loading && !store.getSnapshot().queued;
      await waitFor(async () => (await m.settle(), m.searches.length >= n && idle()), {
        what: `search ${n} answered`,
        detail: m.frame,
      });
    };
    await waitSearches(1);
    await m.press('/');
    await m.type('gpu_name=rtx 4090');
    await m.press(KEY.enter);
    await waitSearches(2);
    assert.deepEqual(m.searches.at(-1)!.filters.gpu_name, { eq: 'RTX 4090' });
    await m.press('/');
    await m.press('\x15');
    assert.match(m.lines().at(-3)!, /^\/ ?$/, 'ctrl+u cleared the line');
    await m.type('gpu_name=RTX_4900');
    await m.press(KEY.enter);
    assert.match(m.frame(), /no GPU named "RTX 4900" on Vast; closest: .*RTX 4090/);
    assert.equal(m.searches.length, 2, 'nothing searched for an unknown name');
    await m.press('/');
    await m.press('\x15');
    await m.type('gpu_name=h100_sxm');
    await m.press(KEY.enter);
    await waitSearches(3);
    assert.deepEqual(m.searches.at(-1)!.filters.gpu_name, { eq: 'H100 SXM' });
    assert.doesNotMatch(m.frame(), /no GPU named/, 'the error is gone once a later search answered');
    await m.press('v');
    assert.match(m.lines()[1]!, /all hosts/);
    await waitSearches(4);
    assert.equal(m.searches.at(-1)!.filters.verified, undefined, 'v searched unverified hosts too');
    m.unmount();
  });

  test('detail pane shows every field and the check reasons; :profile adds ETA and COST', async () => {
    const m = await mountOffers({ columns: 160, rows: 45 });
    await m.press('o', ':');
    await m.type('profile gpt2-4090');
    await m.press(KEY.enter);
    await profileApplied(m);
    assert.match(m.lines()[1]!, /profile gpt2-4090/);
    assert.match(m.lines()[2]!, /ETA\s+COST\s+WHY/);
    await m.press('d');
    const f = m.frame();
    for (const label of ['offer', 'GPU', 'compute', 'perf', 'CPU', 'disk', 'inet', 'price', 'host', 'location'])
      assert.match(f, new RegExp(`(│|\\s)${label}\\s`));
    assert.match(f, /to step: .*\(/);
    m.unmount();
  });

  test('10,000 offers: windowed rows, sort and filter keystrokes work', async () => {
    const m = await mountOffers({ n: 10_000, columns: 200, rows: 50 });
    await m.press('o');
    assert.match(m.lines()[1]!, /10000 offers/);
    assert.ok(m.lines().length <= 49);
    await m.press('M');
    const rams = rowLines(m.lines()).map((r) => Number(/\s(\d+)G\s+\d+G\s+[\d.]+\s/.exec(r)?.[1]));
    assert.deepEqual(
      rams,
      [...rams].sort((a, b) => b - a),
      'most RAM first on the first press',
    );
    await m.press('/');
    await m.type('H100');
    for (const r of rowLines(m.lines())) assert.match(r, /H100/);
    m.unmount();
  });

  test('provision: P asks with the exact request (env masked), y rents, journal written, no secret shown', async () => {
    const m = await mountOffers({ columns: 160, rows: 45 });
    let created: { offerId: number; req: unknown } | null = null;
    m.api.createInstance = (async (offerId: number, req: unknown) => {
      created = { offerId, req };
      return { instanceId: 4242 };
    }) as never;
    m.api.showInstance = async () => ({
      ...(await m.api.listInstances())[0]!,
      id: 4242,
      status: 'running',
      dphTotal: 0.01,
    });
    await m.press('o', 'P');
    assert.match(m.frame(), /choose a profile first/);
    await m.press(':');
    await m.type('profile gpt2-4090');
    await m.press(KEY.enter);
    await profileApplied(m);
    // The cheapest offers fail this profile (VRAM 12<22G): the selected one is refused, as the CLI refuses it
    // without --force.
    assert.ok(
      m.lines().some((l) => l.startsWith('›✗')),
      'a failing offer is selected',
    );
    await m.press('P');
    assert.match(
      m.frame(),
      new RegExp(
        [
          'offer \\d+ does not suit profile gpt2-4090: VRAM \\d+<22G.*; not renting it \\(the CLI can: vastdeck ',
          'provision --profile gpt2-4090 --offer-id \\d+ --force\\)',
        ].join(''),
      ),
    );
    assert.doesNotMatch(m.frame(), /Rent offer/);
    await m.press('x'); // hide failing offers so the selected one suits the profile
    await m.press('P');
    const f = m.frame();
    assert.match(f, /checks (✓ fits the profile|! .+)/);
    assert.match(f, /Rent offer \d+: 1× RTX/);
    assert.match(f, /image {2}pytorch\/pytorch:2\.4\.0-cuda12\.4-cudnn9-devel/);
    assert.match(f, /disk {3}60 GB {4}price {2}on-demand \$/);
    assert.match(f, /label {2}demo-gpt2-1x\w+ {2}\(its nonce goes in the env as VASTDECK_NONCE\)/);
    assert.match(f, /env {4}WANDB_MODE=\*\*\*\*\* {2}HF_HUB_ENABLE_HF_TRANSFER \(account HF_HUB_ENABLE_HF_TRANSFER\)/);
    assert.doesNotMatch(f, /offline/);
    await m.press('y');
    await untilFrame(m, /instance 4242 running/, 'the rental running');
    assert.ok(created, 'createInstance was called');
    assert.match(m.frame(), /instance 4242 running/);
    const ops = m.journal.records.map((r: { op: string; phase: string }) => `${r.op}:${r.phase}`);
    assert.ok(ops.includes('provision.create:before') && ops.includes('provision.create:after'), ops.join(','));
    m.unmount();
  });

  test('read-only: no provision key, P does nothing', async () => {
    const m = await mountOffers({ columns: 120, rows: 30, readOnly: true });
    await m.press('o', 'P');
    assert.doesNotMatch(m.frame(), /Rent offer|choose a profile/);
    m.unmount();
  });
});

describe('env vars view', () => {
  test('e lists names with values masked; set takes a masked value and asks; rm asks', async () => {
    const m = await mountOffers({ columns: 100, rows: 24 });
    await m.press('e');
    await m.settle();
    let f = m.frame();
    assert.match(f, /HF_TOKEN\s+\*\*\*\*\*/);
    assert.doesNotMatch(f, /hf_secret/);
    await m.press('s');
    await m.type('wandb_key');
    await m.press(KEY.enter);
    await m.type('abc123');
    f = m.frame();
    assert.match(f, /WANDB_KEY value \(hidden\): \*{6}/);
    assert.doesNotMatch(f, /abc123/);
    await m.press(KEY.enter);
    assert.match(m.frame(), /Set WANDB_KEY to the 6-character value you typed\?/);
    await m.press('y');
    await untilFrame(m, /WANDB_KEY created/, 'the variable created');
    assert.equal(m.envVars.WANDB_KEY, 'abc123');
    assert.match(m.frame(), /WANDB_KEY created/);
    await m.press('X');
    assert.match(m.frame(), /Remove HF_HUB_ENABLE_HF_TRANSFER from the account\?/);
    await m.press('n');
    assert.ok('HF_HUB_ENABLE_HF_TRANSFER' in m.envVars);
    m.unmount();
  });
});
