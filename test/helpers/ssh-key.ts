/**
 * The SSH key tests use with the simulator: simulated hosts accept only the account's keys (as they were when the
 * instance was created) plus keys attached later, as on Vast, so a test registers this key with
 * `startSimulator({ sshKeys: [TEST_KEY.public] })` and hands its private half to the pool or the CLI's HOME.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair } from '../../src/sim/hosts/server.js';

/** One ed25519 pair per test process. */
export const TEST_KEY = generateKeyPair();

/** Writes TEST_KEY as `file` (0600) and `file.pub`; returns file. */
export function writeTestKey(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, TEST_KEY.private, { mode: 0o600 });
  writeFileSync(`${file}.pub`, TEST_KEY.public + '\n');
  return file;
}

/**
 * Puts TEST_KEY where vastdeck keeps its own key for a CLI run with homeEnv(home) (state dir home/state/vastdeck), as
 * if vastdeck had generated it on an earlier run and the user had registered it: the "no ~/.ssh key" path.
 */
export function writeOwnKey(home: string): string {
  return writeTestKey(path.join(home, 'state', 'vastdeck', 'id_ed25519'));
}

/** Puts TEST_KEY in `home`/.ssh/id_ed25519, the key vastdeck's identity picks up for a CLI run with HOME=home. */
export function writeHomeKey(home: string): string {
  return writeTestKey(path.join(home, '.ssh', 'id_ed25519'));
}
