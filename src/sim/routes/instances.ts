/** Instance routes: lists, one instance, label/stop/start, reboot, destroy, logs, SSH keys, filters. */
import * as z from 'zod';
import {
  attachSshKey,
  changeBid,
  destroyInstance,
  mustGet,
  rebootInstance,
  startInstance,
  stopInstance,
  updateInstance,
} from '../actions.js';
import { ApiError, ok } from '../http.js';
import { logText } from '../logs.js';
import { instanceRow } from '../rows.js';
import { LOG_NOT_READY_POLLS } from '../world.js';
import { listInstancesV1 } from './list.js';
import type { Route } from './types.js';

const LogsBody = z.object({
  tail: z.union([z.string(), z.number()]).optional(),
  filter: z.string().max(512).optional(),
  daemon_logs: z.union([z.string(), z.boolean()]).optional(),
});
const BulkState = z.object({ state: z.enum(['running', 'stopped']), ids: z.array(z.number().int()) });
const BulkDestroy = z.object({ instance_ids: z.array(z.number().int()) });

function body<T>(schema: z.ZodType<T>, raw: unknown): T {
  const r = schema.safeParse(raw);
  if (!r.success)
    throw new ApiError(
      400,
      'invalid_args',
      `${r.error.issues[0]!.path.join('.') || 'body'}: ${r.error.issues[0]!.message}`,
    );
  return r.data;
}

/** The instance routes. */
export const instanceRoutes: Route[] = [
  { method: 'GET', re: /^\/api\/v1\/instances\/?$/, handler: listInstancesV1 },
  {
    method: 'GET',
    re: /^\/api\/v0\/instances\/?$/,
    handler: (ctx) => {
      const now = ctx.world.now();
      const rows = [...ctx.world.instances.values()].map((r) => instanceRow(r, now, ctx.world.hostBusy(r.id)));
      return ok({ instances_found: rows.length, instances: rows });
    },
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/instances\/filters\/?$/,
    handler: (ctx) => {
      const seen = new Map<string, Record<string, unknown>>();
      for (const r of ctx.world.instances.values()) {
        const f = { actual_status: r.status, verification: r.offer.verification, gpu_name: r.offer.gpu_name };
        seen.set(JSON.stringify(f), f);
      }
      return ok({ filters: [...seen.values()] });
    },
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/instances\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const rec = ctx.world.get(Number(m[1]));
      return ok({ instances: rec ? instanceRow(rec, ctx.world.now(), ctx.world.hostBusy(rec.id)) : null });
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/instances\/(\d+)\/?$/,
    handler: (ctx, m) => ok(updateInstance(ctx.world, Number(m[1]), ctx.body)),
  },
  {
    method: 'DELETE',
    re: /^\/api\/v0\/instances\/(\d+)\/?$/,
    handler: (ctx, m) => {
      destroyInstance(ctx.world, Number(m[1]));
      return ok({ success: true });
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/instances\/?$/,
    handler: (ctx) => {
      const b = body(BulkState, ctx.body);
      for (const id of b.ids) {
        const rec = mustGet(ctx.world, id);
        if (b.state === 'stopped') stopInstance(ctx.world, rec);
        else startInstance(ctx.world, rec);
      }
      return ok({ success: true });
    },
  },
  {
    method: 'DELETE',
    re: /^\/api\/v0\/instances\/?$/,
    handler: (ctx) => {
      for (const id of body(BulkDestroy, ctx.body).instance_ids) destroyInstance(ctx.world, id);
      return ok({ success: true });
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/instances\/reboot\/(\d+)\/?$/,
    handler: (ctx, m) => {
      rebootInstance(ctx.world, Number(m[1]));
      return ok({ success: true });
    },
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/instances\/bid_price\/(\d+)\/?$/,
    handler: (ctx, m) => ok({ success: true, msg: changeBid(ctx.world, Number(m[1]), ctx.body) }),
  },
  {
    method: 'PUT',
    re: /^\/api\/v0\/instances\/request_logs\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const b = body(LogsBody, ctx.body);
      const rec = ctx.world.get(Number(m[1]));
      if (!rec) throw new ApiError(404, 'invalid_id', 'Invalid instance id.');
      const tail = b.tail === undefined ? undefined : Number(b.tail);
      const daemon = b.daemon_logs === true || b.daemon_logs === 'true';
      const text = logText(rec, ctx.world.now(), { tail, filter: b.filter, daemon }, ctx.world.hostLog(rec.id));
      const token = ctx.world.addLog(text);
      const url = `${ctx.baseUrl}/fake-s3/logs_${token}.log`;
      return ok({
        success: true,
        result_url: url,
        msg: `Logs for instance ${rec.id} are being uploaded; poll result_url.`,
      });
    },
  },
  {
    method: 'GET',
    re: /^\/fake-s3\/logs_([0-9a-f]+)\.log$/,
    auth: false,
    handler: (ctx, m) => {
      const log = ctx.world.logs.get(m[1]!);
      const missing = {
        status: 404,
        type: 'application/xml',
        text: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>',
      };
      if (!log) return missing;
      log.polls++;
      if (log.polls <= LOG_NOT_READY_POLLS) return missing;
      return { status: 200, type: 'text/plain', text: log.text };
    },
  },
  {
    method: 'POST',
    re: /^\/api\/v0\/instances\/(\d+)\/ssh\/?$/,
    handler: (ctx, m) => ok({ success: true, msg: attachSshKey(ctx.world, Number(m[1]), ctx.body) }),
  },
  {
    method: 'GET',
    re: /^\/api\/v0\/instances\/(\d+)\/ssh\/?$/,
    handler: (ctx, m) => {
      const rec = mustGet(ctx.world, Number(m[1]));
      return ok({ success: true, ssh_keys: JSON.stringify(rec.sshKeys.map((k) => ({ id: k.id, public_key: k.key }))) });
    },
  },
  {
    method: 'DELETE',
    re: /^\/api\/v0\/instances\/(\d+)\/ssh\/(\d+)\/?$/,
    handler: (ctx, m) => {
      const rec = mustGet(ctx.world, Number(m[1]));
      const before = rec.sshKeys.length;
      rec.sshKeys = rec.sshKeys.filter((k) => k.id !== Number(m[2]));
      if (rec.sshKeys.length === before)
        throw new ApiError(404, 'not_found', `SSH key ${m[2]} not attached to instance ${rec.id}.`);
      ctx.world.dirty = true;
      return ok({ success: true });
    },
  },
];
