// Step 6 (advancing) must not wait for the restarted run to pass the step the OLD process last logged: the log's
// tail still shows the old process's step right after the resume (a migration sat in "advancing" for 385 s until
// killed; --resume then passed in 2 s). A step that goes down is a restart; advancing is measured from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { migrationSpec } from '../../src/core/ops/migrate-setup.js';
import { MIGRATE_STEPS, emptyState, runMigration } from '../../src/core/ops/migrate.js';
import type { VastApi } from '../../src/core/vast/api.js';
import { makeInstance } from '../ui/fake-api.js';

const profiles = parseProfiles(
  'profiles:\n  p:\n    model: gpt2\n    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel\n    diskGb: ' +
    '40\n    resume: "echo {checkpoint}"\n    checkpoint: { kind: hf, repo: me/run }\n',
  'p.yaml',
);

test("advancing is seen from the restarted run, not from the old process's last logged step", async () => {
  const target = makeInstance(0, { id: 9, status: 'running', sshHost: '127.0.0.1', sshPort: 2 });
  // What `tail` shows on each poll: the old process's last step twice, then the restarted run from checkpoint-5000.
  const tails = [5300, 5300, 5000, 5010, 5020, 5030, 5040, 5050];
  let polls = 0;
  const exec = async () => ({
    code: 0,
    stdout: `step=${tails[Math.min(polls++, tails.length - 1)]} loss=2.1\n`,
    stderr: '',
  });
  const spec = migrationSpec(5001, 'p', 'p.yaml', profiles.p!);
  const state = {
    ...emptyState(),
    done: MIGRATE_STEPS.slice(0, 5) as never,
    verifiedStep: 5000,
    targetId: 9,
    targetLabel: 'x',
  };
  const r = await runMigration(
    {
      api: { listInstances: async () => [], showInstance: async () => target } as unknown as VastApi,
      journal: new MemoryJournal(),
      sleep: async () => {},
      now: Date.now,
      exec,
      store: null,
      candidates: async () => [],
    },
    { spec, profile: profiles.p!, state, timing: { pollMs: 1, advanceTimeoutMs: 200 } },
  );
  assert.equal(r.outcome, 'done', r.message);
  assert.equal(r.state.firstStep, 5000);
  assert.equal(r.state.laterStep, 5010);
});
