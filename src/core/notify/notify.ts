/**
 * Notifications: a terminal bell (inside tmux, BEL marks the window and fires tmux's alert) and an optional
 * chat webhook. Delivery problems are reported as results, never thrown: a broken webhook must not kill the
 * watcher that is guarding an overnight run.
 */
import { formatMessage, type NotifyEvent } from './message.js';

/** How one channel fared. */
export interface NotifyResult {
  channel: 'bell' | 'webhook';
  ok: boolean;
  attempts: number;
  /** Why it failed; never contains the webhook URL (Slack/Discord URLs embed their token). */
  error?: string;
}

/** Something BEL can be written to. */
export interface BellTarget {
  write(text: string): unknown;
}

/** Options for a webhook post. */
export interface WebhookOptions {
  /** Per-attempt timeout, ms (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 1). */
  retries?: number;
  /** Wait before the retry, ms (default 1 s). */
  retryDelayMs?: number;
  /** Secret values to mask in the text. */
  secrets?: readonly string[];
  sleep?: (ms: number) => Promise<void>;
}

/** The JSON body: `text` for Slack (and Mattermost), `content` for Discord; each ignores the other. */
export function webhookPayload(ev: NotifyEvent, secrets: readonly string[] = []): { text: string; content: string } {
  const text = formatMessage(ev, secrets);
  return { text, content: text };
}

/** Rings the terminal bell. */
export function ringBell(target: BellTarget): NotifyResult {
  try {
    target.write('\x07');
    return { channel: 'bell', ok: true, attempts: 1 };
  } catch (err) {
    return { channel: 'bell', ok: false, attempts: 1, error: (err as Error).message };
  }
}

/** Posts one event; retries once on a network error, timeout, 429 or 5xx. Resolves with the outcome. */
export async function postWebhook(url: string, ev: NotifyEvent, opts: WebhookOptions = {}): Promise<NotifyResult> {
  const body = JSON.stringify(webhookPayload(ev, opts.secrets));
  const tries = 1 + Math.max(0, opts.retries ?? 1);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let error = '';
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (attempt > 1) await sleep(opts.retryDelayMs ?? 1000);
    let retry = true;
    try {
      const { send } = await import('../vast/transport.js'); // loaded on first use, off the TUI's start-up path
      const res = await send(new URL(url), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'user-agent': 'vastdeck' },
        timeoutMs,
      });
      if (res.status >= 200 && res.status < 300) return { channel: 'webhook', ok: true, attempts: attempt };
      error = `webhook answered HTTP ${res.status}`;
      retry = res.status === 429 || res.status >= 500;
    } catch (err) {
      error = `webhook not reached: ${describe(err, timeoutMs)}`;
    }
    if (!retry) return { channel: 'webhook', ok: false, attempts: attempt, error };
  }
  return { channel: 'webhook', ok: false, attempts: tries, error };
}

/** A network failure in a few words, without the URL (error messages can include it). */
function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || /TIMEOUT/.test(e?.code ?? ''))
    return `no answer within ${timeoutMs} ms`;
  return e?.code ?? e?.cause?.code ?? e?.name ?? 'connection failed';
}

/** Where notifications go. */
export interface NotifierOptions {
  webhook?: string;
  /** Where to ring the bell; no bell when absent. */
  bell?: BellTarget;
  secrets?: readonly string[];
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Sends events to every configured channel. */
export class Notifier {
  constructor(private readonly opts: NotifierOptions) {}

  /** True when at least one channel is configured. */
  get enabled(): boolean {
    return this.opts.webhook !== undefined || this.opts.bell !== undefined;
  }

  /** Notifies every channel; resolves with one result per channel, never rejects. */
  async notify(ev: NotifyEvent): Promise<NotifyResult[]> {
    const out: NotifyResult[] = [];
    if (this.opts.bell) out.push(ringBell(this.opts.bell));
    if (this.opts.webhook) {
      out.push(
        await postWebhook(this.opts.webhook, ev, {
          secrets: this.opts.secrets,
          timeoutMs: this.opts.timeoutMs,
          sleep: this.opts.sleep,
        }),
      );
    }
    return out;
  }
}
