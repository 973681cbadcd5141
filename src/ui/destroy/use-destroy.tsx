/**
 * The D key: plan the destroy of the selected instance, show what would be lost, and destroy only on y (when
 * verified) or on the typed label (when not) — the CLI's rules (src/cli/commands/destroy.ts), in the TUI.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { Running } from '../running.js';
import type { Instance } from '../../core/vast/types.js';
import type { Keymap } from '../keymap/registry.js';
import type { Layer } from '../keymap/dispatch.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { Ops } from '../migrate/ops.js';
import { DestroyOverlay, type DestroyStage } from './DestroyOverlay.js';
import { confirms, confirmTarget } from '../../core/ops/destroy-confirm.js';

/** A footer message. */
type Say = (m: { text: string; level: 'info' | 'error' } | null) => void;

/** State and key handlers of the destroy confirmation. */
export function useDestroy(o: {
  ops?: Ops;
  keymap: Keymap;
  selected: Instance | undefined;
  say: Say;
  refresh: () => void;
  width: number;
  running?: Running;
}) {
  const [stage, setStage] = useState<DestroyStage | null>(null);
  // Answers to a closed (or re-opened) overlay are dropped: only the latest request may set the stage.
  const seq = useRef(0);
  const close = () => {
    seq.current++;
    setStage(null);
  };

  const open = () => {
    const inst = o.selected;
    if (!inst || !o.ops || !o.keymap.get('fleet.destroy')) return;
    const mine = ++seq.current;
    setStage({ kind: 'checking', id: inst.id, label: sanitizeLine(inst.label ?? '') });
    void o.ops.planDestroy(inst).then((plan) => mine === seq.current && setStage({ kind: 'plan', plan, typed: '' }));
  };

  const go = (force: boolean) => {
    if (stage?.kind !== 'plan' || !o.ops) return;
    const plan = stage.plan;
    const mine = ++seq.current;
    setStage({ kind: 'running', plan });
    const job = o.ops.destroy(plan, force);
    // Quitting waits for the destroy (it is short and journaled before and after) instead of cutting it off.
    const end =
      o.running?.add({
        what: 'a destroy is in progress',
        onQuit: 'the exit waits for it',
        stop: () =>
          job.then(
            () => {},
            () => {},
          ),
      }) ?? (() => {});
    void job.finally(end);
    void job.then(
      (r) => {
        if (mine === seq.current) setStage(null);
        o.say({ text: sanitizeLine(r.message), level: r.outcome === 'destroyed' ? 'info' : 'error' });
        o.refresh();
      },
      (err) => {
        if (mine === seq.current) setStage(null);
        o.say({
          text: `destroy ${plan.instanceId} failed: ${sanitizeLine(String((err as Error)?.message ?? err))}`,
          level: 'error',
        });
      },
    );
  };

  const layers: Layer[] = [];
  if (stage?.kind === 'plan' && !stage.plan.safe) {
    const typed = stage.typed;
    layers.push({
      scope: 'input',
      modal: true,
      handlers: {
        'input.submit': () => {
          if (confirms(typed, stage.plan.label, stage.plan.instanceId)) return go(true);
          close();
          o.say({
            text:
              `kept ${stage.plan.instanceId}: the ${confirmTarget(stage.plan.label, stage.plan.instanceId).what} ` +
              `was not typed`,
            level: 'info',
          });
        },
        'input.cancel': close,
        'input.erase': () => setStage({ ...stage, typed: typed.slice(0, -1) }),
        'input.clear': () => setStage({ ...stage, typed: '' }),
      },
      onText: (t) => (setStage({ ...stage, typed: typed + t }), true),
    });
  } else if (stage?.kind === 'plan') {
    layers.push({
      scope: 'overlay',
      modal: true,
      handlers: { 'confirm.yes': () => go(false), 'confirm.no': close, 'overlay.close': close },
    });
  } else if (stage) {
    layers.push({
      scope: 'overlay',
      modal: true,
      handlers: stage.kind === 'checking' ? { 'overlay.close': close } : {},
    });
  }
  const node: ReactNode = stage ? <DestroyOverlay stage={stage} width={o.width} /> : null;
  return { open: stage !== null, layers, node, fleetHandlers: { 'fleet.destroy': open } };
}
