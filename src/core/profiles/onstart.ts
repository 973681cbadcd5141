/**
 * Builds the onstart script Vast runs after its entrypoint: clone, install, then start training in a
 * detached tmux session named `train` with an explicit --config and --run-dir, so a later resume or
 * migration knows exactly which run it is continuing. Vast caps onstart at 4096 characters (vast-api.md §3).
 */
import { shellQuote } from '../ssh/quote.js';
import type { Profile } from './schema.js';

/** Vast's limit on onstart (with args). */
export const ONSTART_MAX = 4096;

/** The onstart script of a profile, or null when it has none. Throws when it would exceed Vast's limit. */
export function renderOnstart(profile: Profile): string | null {
  const o = profile.onstart;
  if (!o) return null;
  const script = 'script' in o ? o.script : buildScript(o);
  if (script.length > ONSTART_MAX)
    throw new Error(`onstart script is ${script.length} characters; Vast accepts at most ${ONSTART_MAX}`);
  return script;
}

type Parts = Exclude<NonNullable<Profile['onstart']>, { script: string }>;

function buildScript(o: Parts): string {
  const q = shellQuote;
  const trainLine =
    `cd ${q(o.workdir)} && ${o.train} --config ${q(o.config)} ` + `--run-dir ${q(o.runDir)} 2>&1 | tee -a ${q(o.log)}`;
  const lines = [
    '#!/bin/bash',
    'set -e',
    // A reboot runs onstart again: clone only once, and never start a second training session.
    `if [ ! -d ${q(o.workdir)}/.git ]; then git clone ${q(o.repo)} ${q(o.workdir)}; fi`,
    `cd ${q(o.workdir)}`,
    ...(o.ref ? [`git checkout ${q(o.ref)}`] : []),
    ...(o.install ? [o.install] : []),
    `mkdir -p ${q(o.runDir)}`,
    `tmux has-session -t train 2>/dev/null || tmux new-session -d -s train ${q(trainLine)}`,
  ];
  return lines.join('\n') + '\n';
}
