/**
 * Mounts the App with fake destroy/migrate Ops (recording calls) through ink-testing-library, for the D and M frame
 * tests.
 */
import { render } from 'ink-testing-library';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import type { Ops } from '../../src/ui/migrate/ops.js';
import type { DestroyPlan } from '../../src/core/ops/destroy.js';
import type { Instance } from '../../src/core/vast/types.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { settle } from './harness.js';

/** A plan as planDestroy would make it: safe when the host's step is verified. */
export function fakePlan(inst: Instance, hostStep: number, verifiedStep: number | null): DestroyPlan {
  const safe = verifiedStep === hostStep;
  return {
    instanceId: inst.id,
    label: inst.label,
    status: inst.status,
    hostStep,
    verifiedStep,
    verification: null,
    safe,
    refusal: safe ? null : 'behind',
    summary: safe
      ? `checkpoint-${hostStep} is verified in hf:me/run@main (step ${verifiedStep}): nothing would be lost`
      : `would lose steps ${(verifiedStep ?? 0) + 1}–${hostStep}: behind in hf:me/run@main`,
  };
}

/** Mounts the app with `ops`; returns the frame and key helpers. */
export async function mountWithOps(ops: Ops, o: { readOnly?: boolean; n?: number } = {}) {
  const api = new FakeApi(makeFleet(o.n ?? 4));
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const keymap = buildKeymap(COMMANDS, { readOnly: o.readOnly ?? false });
  const r = render(
    <ThemeContext.Provider value={DARK}>
      <App store={store} keymap={keymap} api={api} onQuit={() => {}} now={() => FAKE_NOW} tickMs={0} ops={ops} />
    </ThemeContext.Provider>,
  );
  await settle();
  return {
    api,
    frame: () => r.lastFrame() ?? '',
    async press(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        await settle();
      }
    },
    async type(text: string) {
      for (const ch of text) await this.press(ch);
    },
    unmount: () => r.unmount(),
  };
}

/** Ops that answer from tables and record what was asked. */
export function fakeOps(plans: (inst: Instance) => DestroyPlan, extra: Partial<Ops> = {}) {
  const calls = {
    destroy: [] as Array<{ id: number; force: boolean }>,
    migrate: [] as Array<{ id: number; profile: string }>,
    abort: [] as string[],
  };
  const ops: Ops = {
    planDestroy: async (inst) => plans(inst),
    destroy: async (plan, force) => {
      calls.destroy.push({ id: plan.instanceId, force });
      return {
        instanceId: plan.instanceId,
        outcome: 'destroyed',
        forced: force,
        message: `destroyed ${plan.instanceId}`,
      };
    },
    migrationProfiles: async () => ['gpt2-a', 'gpt2-b'],
    planMigration: async (inst, profile) => ({
      spec: {
        id: 'mig00001',
        sourceId: inst.id,
        profileName: profile,
        profilesFile: '/p.yaml',
        offerId: null,
        runDir: '/workspace/run',
        logPath: '/workspace/train.log',
        continuation: null,
        allowBehind: false,
        sync: false,
        price: { kind: 'on-demand' },
      },
      target: `1× RTX 4090 at $0.412/hr in Texas, US (offer 3), labelled ${profile}-1x4090`,
    }),
    migrate: async (plan) => {
      calls.migrate.push({ id: plan.spec.sourceId, profile: plan.spec.profileName });
      throw new Error('not scripted');
    },
    interrupted: async () => [],
    resume: async () => {
      throw new Error('not scripted');
    },
    abort: async (m) => {
      calls.abort.push(m.spec.id);
      return `aborted migration ${m.spec.id}`;
    },
    ...extra,
  };
  return { ops, calls };
}
