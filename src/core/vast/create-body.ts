/** The body of a rental (`PUT /api/v0/asks/{id}/`): the official CLI's full body (docs/vast-api.md §3). */
import type { CreateRequest } from './types.js';

/** What VastClient.createInstance sends and `provision --dry-run` shows. */
export function createBody(req: CreateRequest): Record<string, unknown> {
  return {
    client_id: 'me',
    image: req.image,
    env: req.env ?? {},
    price: req.price ?? null,
    disk: req.diskGb,
    label: req.label ?? null,
    extra: null,
    onstart: req.onstart ?? null,
    image_login: null,
    python_utf8: false,
    lang_utf8: false,
    use_jupyter_lab: false,
    jupyter_dir: null,
    force: false,
    cancel_unavail: req.cancelUnavail ?? false,
    template_hash_id: null,
    user: null,
    runtype: req.runtype ?? 'ssh',
  };
}
