/**
 * HTTP plumbing shared by the routes: the reply type, the error every handler can throw, and how a reply
 * goes on the wire. `Content-Type` is exactly `application/json` — both official CLIs refuse the response
 * when a charset is appended (vast-api.md §2, A1).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers: JSON, or plain text (429s, 401 without key, log files). */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  /** Pre-serialised JSON (large answers build their body as a string). */
  raw?: string;
  /** Content type for text replies (default text/plain). */
  type?: string;
}

/** An API error answered as `{"success":false,"error":code,"msg":msg}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    msg: string,
  ) {
    super(msg);
  }
}

/** A JSON reply with status 200 unless given. */
export function ok(json: unknown, status = 200): Reply {
  return { status, json };
}

/** The standard error body. */
export function errorReply(status: number, code: string, msg: string): Reply {
  return { status, json: { success: false, error: code, msg } };
}

/** A reply's body and content type as they go on the wire. */
export function wireBody(reply: Reply): { body: string; type: string } {
  if (reply.text !== undefined) return { body: reply.text, type: reply.type ?? 'text/plain' };
  return { body: reply.raw ?? JSON.stringify(reply.json ?? {}), type: 'application/json' };
}

/** Serialise a reply; `malformed` cuts the JSON short (fault injection). */
export function send(res: ServerResponse, reply: Reply, malformed = false): void {
  let { body, type } = wireBody(reply);
  if (malformed) body = body.slice(0, Math.max(1, Math.floor(body.length / 2))) + '\u0000{"';
  res.writeHead(reply.status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Largest request body accepted (the biggest real one, env at 32 KB plus onstart, is far below). */
const MAX_BODY = 1_000_000;

/** Read and JSON-parse a request body; empty means `{}`; bad JSON is a 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'request_too_large', 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString('utf8').trim();
  if (raw === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'invalid_json', 'Request body is not valid JSON.');
  }
}
