/**
 * What an operator types to force the destroy of an unverified instance: its label as shown (sanitized, without
 * an older rental's #nonce tag), or its instance ID when that label is empty. A bare Enter never confirms.
 */
import { splitNonce } from '../profiles/label.js';
import { sanitizeLine } from '../util/sanitize.js';

/** The text to type and how to name it in the prompt. */
export function confirmTarget(
  label: string | null,
  instanceId: number,
): { text: string; what: 'label' | 'instance ID' } {
  const shown = splitNonce(sanitizeLine(label ?? '').trim()).base.trim();
  return shown ? { text: shown, what: 'label' } : { text: String(instanceId), what: 'instance ID' };
}

/** Whether `typed` confirms: exactly the target, never empty. */
export function confirms(typed: string, label: string | null, instanceId: number): boolean {
  const t = typed.trim();
  return t.length > 0 && t === confirmTarget(label, instanceId).text;
}
