/** OpenSSH public key lines compared by their material (type and base64), whatever the comments. */
export function sameKey(a: string, b: string): boolean {
  const [ta, da] = a.trim().split(/\s+/);
  const [tb, db] = b.trim().split(/\s+/);
  return !!da && ta === tb && da === db;
}
