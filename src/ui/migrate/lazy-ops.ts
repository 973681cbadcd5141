/**
 * The Ops for runTui, loaded on first use: the checkpoint stores pull in @huggingface/hub and SSH, which the
 * first paint must not wait for (ENGINEERING.md rule 5).
 */
import type { Ops, OpsOptions } from './ops.js';

/** Ops whose real implementation is imported the first time a method is called. */
export function lazyOps(opts: OpsOptions): Ops {
  let real: Promise<Ops> | undefined;
  const get = () => (real ??= import('./ops.js').then((m) => m.makeOps(opts)));
  return {
    planDestroy: (inst) => get().then((o) => o.planDestroy(inst)),
    destroy: (plan, force) => get().then((o) => o.destroy(plan, force)),
    migrationProfiles: () => get().then((o) => o.migrationProfiles()),
    planMigration: (inst, profile) => get().then((o) => o.planMigration(inst, profile)),
    migrate: (plan, onEvent, ctl) => get().then((o) => o.migrate(plan, onEvent, ctl)),
    interrupted: () => get().then((o) => o.interrupted()),
    resume: (m, onEvent, ctl) => get().then((o) => o.resume(m, onEvent, ctl)),
    abort: (m) => get().then((o) => o.abort(m)),
  };
}
