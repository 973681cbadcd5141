/**
 * Notification events and their one-line text. The text is built only from fields vastdeck chose to show,
 * then sanitized and scrubbed of secrets: it leaves the machine (a chat webhook), so nothing secret may ride along.
 */
import { looksLikeToken } from '../profiles/secrets.js';
import { cutSecrets } from '../util/redact.js';
import { sanitizeLine } from '../util/sanitize.js';

/** What happened. */
export type NotifyKind =
  | 'crash'
  | 'stall'
  | 'complete'
  | 'step'
  | 'timeout'
  | 'gone'
  | 'budget'
  | 'replacement'
  | 'validation';

/** One thing worth waking someone for. */
export interface NotifyEvent {
  kind: NotifyKind;
  /** Short summary, e.g. "crashed: CUDA out of memory". */
  title: string;
  instanceId?: number;
  label?: string | null;
  /** Optional second line (an error line, a budget message). */
  detail?: string;
  /** Epoch ms. */
  at: number;
}

/** Longest message sent: Discord rejects `content` over 2000 characters. */
export const MAX_MESSAGE = 1900;

const ICON: Record<NotifyKind, string> = {
  crash: '[CRASH]',
  stall: '[STALL]',
  complete: '[DONE]',
  step: '[STEP]',
  timeout: '[TIMEOUT]',
  gone: '[GONE]',
  budget: '[BUDGET]',
  replacement: '[REPLACED]',
  validation: '[VALIDATION]',
};

/** The message text: sanitized, secrets masked, clipped. */
export function formatMessage(ev: NotifyEvent, secrets: readonly string[] = []): string {
  const who = ev.instanceId !== undefined ? ` instance ${ev.instanceId}${ev.label ? ` (${ev.label})` : ''}` : '';
  const head = `vastdeck ${ICON[ev.kind]}${who}: ${ev.title}`;
  const text = ev.detail ? `${head}\n${ev.detail}` : head;
  const clean = scrub(text.split('\n').map(sanitizeLine).join('\n'), secrets);
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE - 1)}…` : clean;
}

/** Masks the given secret values, then anything shaped like a credential (log lines can carry tokens). */
export function scrub(text: string, secrets: readonly string[]): string {
  return cutSecrets(text, secrets, '***', 4).replace(/[^\s'"`()[\]{},;]+/g, (word) => {
    const core = word.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
    // key=value pairs: judge the value alone, so "HF_TOKEN=hf_..." is caught.
    const value = core.includes('=') ? core.slice(core.indexOf('=') + 1) : core;
    return value && looksLikeToken(value) ? word.replace(value, '***') : word;
  });
}
