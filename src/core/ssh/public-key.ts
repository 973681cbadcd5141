/**
 * The public halves of vastdeck's SSH identity, as OpenSSH lines ("ssh-ed25519 AAAA… comment"): what must be on
 * the Vast account (or attached to an instance) for a host to let vastdeck in. The agent's keys come first, as
 * ssh2 and OpenSSH try them first; then each key file (its .pub, else derived from the private key).
 */
import { existsSync, readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import type { SshIdentity } from './identity.js';

/** A public key and where it came from. */
export interface PublicKey {
  /** OpenSSH public key line. */
  line: string;
  /** "ssh-agent" or the private key file. */
  source: string;
}

function lineOf(k: ParsedKey, comment?: string): string {
  const c = (comment ?? k.comment ?? '').replace(/[^\x20-\x7e]/g, '').trim();
  return `${k.type} ${k.getPublicSSH().toString('base64')}${c ? ` ${c}` : ''}`;
}

/** The public key of one private key file: its .pub when that parses, else derived (unencrypted keys only). */
export function publicKeyOfFile(file: string): string | null {
  const pub = `${file}.pub`;
  if (existsSync(pub)) {
    const text = readFileSync(pub, 'utf8').split('\n')[0]!.trim();
    const p = ssh2.utils.parseKey(text);
    if (!(p instanceof Error)) return text;
  }
  try {
    const p = ssh2.utils.parseKey(readFileSync(file));
    if (p instanceof Error) return null;
    return lineOf(Array.isArray(p) ? p[0]! : p);
  } catch {
    return null;
  }
}

/** The agent's public keys ([] when there is no agent or it does not answer within 2 s). */
export function agentPublicKeys(socket: string | null | undefined): Promise<string[]> {
  if (!socket) return Promise.resolve([]);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), 2000);
    try {
      new ssh2.OpenSSHAgent(socket).getIdentities((err, keys) => {
        clearTimeout(timer);
        resolve(err || !keys ? [] : keys.map((k) => lineOf(k as ParsedKey)));
      });
    } catch {
      clearTimeout(timer);
      resolve([]);
    }
  });
}

/** Every public key vastdeck offers, agent first; the first is "the key vastdeck will use". */
export async function identityPublicKeys(id: Pick<SshIdentity, 'auth'>): Promise<PublicKey[]> {
  const out: PublicKey[] = (await agentPublicKeys(id.auth.agentSocket)).map((line) => ({ line, source: 'ssh-agent' }));
  for (const file of id.auth.keyPaths ?? []) {
    const line = publicKeyOfFile(file);
    if (line) out.push({ line, source: file });
  }
  return out;
}
