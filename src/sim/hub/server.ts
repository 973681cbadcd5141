/**
 * A Hugging Face Hub stand-in on 127.0.0.1 serving the read routes `@huggingface/hub` uses: repo info,
 * tree listing (paginated with a Link header), and HEAD/GET of files under /resolve/ and /raw/ (with Range).
 * Errors look like the Hub's: JSON {"error"} plus an X-Error-Code header (RepoNotFound, RevisionNotFound,
 * EntryNotFound); a wrong token is 401 "Invalid credentials in Authorization header".
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { commitSha, fileBytes, makeFile, treeEntries, type HubContent, type HubFile, type HubRepo } from './repos.js';
import type { SimContent } from '../content.js';

/** Options of the stand-in. */
export interface HubStandInOptions {
  /** Port on 127.0.0.1 (default any free one). */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (all repos act private). */
  token?: string;
  /** Tree entries per page (the Hub uses 1000). */
  pageSize?: number;
}

/** A running stand-in. */
export interface HubStandIn {
  /** http://127.0.0.1:PORT, for the client's hubUrl option. */
  url: string;
  port: number;
  /** Adds or replaces a file (creating the repo and revision as needed); `message` is its commit's title. */
  putFile(repo: string, path: string, content: HubContent, revision?: string, message?: string): void;
  /** Removes a file; false when it was not there. */
  deleteFile(repo: string, path: string, revision?: string): boolean;
  /** Creates an empty repo. */
  createRepo(repo: string, opts?: { private?: boolean }): void;
  /** Removes a repo. */
  deleteRepo(repo: string): void;
  /** Files of a repo's revision: path, size, content and the title of the commit that wrote it. */
  files(
    repo: string,
    revision?: string,
  ): Array<{ path: string; size: number; content: SimContent; message: string | null }>;
  /** Requests seen: method, path (no query), status. Never header values. */
  requestLog: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

type Reply = { status: number; headers?: Record<string, string>; body?: Buffer | string | unknown };

/** Starts the stand-in. */
export async function startHubStandIn(opts: HubStandInOptions = {}): Promise<HubStandIn> {
  const repos = new Map<string, HubRepo>();
  const requestLog: HubStandIn['requestLog'] = [];
  const pageSize = Math.max(1, opts.pageSize ?? 1000);
  let url = '';

  const repoOf = (name: string, create = false): HubRepo | undefined => {
    let r = repos.get(name);
    if (!r && create)
      repos.set(name, (r = { private: !!opts.token, revisions: new Map([['main', new Map()]]), version: 1 }));
    return r;
  };
  const err = (status: number, code: string | null, message: string): Reply => ({
    status,
    headers: code ? { 'X-Error-Code': code } : {},
    body: { error: message },
  });

  const authorize = (req: http.IncomingMessage): Reply | null => {
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    // Without a configured token the stand-in is a public Hub that accepts any token.
    if (given !== undefined && opts.token && given !== opts.token)
      return err(401, null, 'Invalid credentials in Authorization header');
    if (opts.token && given === undefined) return err(401, 'RepoNotFound', 'Repository not found');
    return null;
  };

  const lookup = (name: string, rev: string): { repo: HubRepo; files: Map<string, HubFile> } | Reply => {
    const repo = repos.get(name);
    if (!repo) return err(404, 'RepoNotFound', 'Repository not found');
    const files = repo.revisions.get(decodeURIComponent(rev));
    if (!files) return err(404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    return { repo, files };
  };

  const tree = (name: string, rev: string, path: string, q: URLSearchParams): Reply => {
    const found = lookup(name, rev);
    if ('status' in found) return found;
    const base = path.replace(/\/+$/, '');
    const entries = treeEntries(found.files.values(), base, q.get('recursive') === 'true');
    if (base && entries.length === 0 && !found.files.has(base))
      return err(404, 'EntryNotFound', `${base} does not exist on "${rev}"`);
    const start = Number(q.get('cursor') ?? 0) || 0;
    const expand = q.get('expand') === 'true';
    const page = entries.slice(start, start + pageSize).map((e) =>
      e.type === 'file'
        ? {
            type: 'file',
            oid: e.file!.oid,
            size: e.file!.size,
            path: e.path,
            ...(e.file!.lfs ? { lfs: e.file!.lfs } : {}),
            ...(expand && e.file!.commit ? { lastCommit: e.file!.commit } : {}),
          }
        : { type: 'directory', oid: commitSha(e.path, found.repo, rev).slice(0, 40), size: 0, path: e.path },
    );
    const headers: Record<string, string> = {};
    if (start + pageSize < entries.length) {
      const next = new URL(`${url}/api/models/${name}/tree/${rev}${base ? `/${base}` : ''}`);
      q.forEach((v, k) => k !== 'cursor' && next.searchParams.set(k, v));
      next.searchParams.set('cursor', String(start + pageSize));
      headers.Link = `<${next.href}>; rel="next"`;
    }
    return { status: 200, headers, body: page };
  };

  const file = (req: http.IncomingMessage, name: string, rev: string, path: string): Reply => {
    const found = lookup(name, rev);
    if ('status' in found) return found;
    const f = found.files.get(path);
    if (!f) return err(404, 'EntryNotFound', `Entry not found`);
    const headers: Record<string, string> = {
      ETag: `"${f.lfs?.oid ?? f.oid}"`,
      'X-Repo-Commit': commitSha(name, found.repo, rev),
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
      ...(f.lfs ? { 'X-Linked-Size': String(f.size), 'X-Linked-ETag': `"${f.lfs.oid}"` } : {}),
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(f.size - 1, range[2] ? Number(range[2]) : f.size - 1);
      if (start >= f.size) return { status: 416, headers: { 'Content-Range': `bytes */${f.size}` }, body: '' };
      headers['Content-Range'] = `bytes ${start}-${end}/${f.size}`;
      return { status: 206, headers, body: req.method === 'HEAD' ? Buffer.alloc(0) : fileBytes(f, start, end + 1) };
    }
    headers['Content-Length'] = String(f.size);
    return { status: 200, headers, body: req.method === 'HEAD' ? null : fileBytes(f) };
  };

  const route = (req: http.IncomingMessage): Reply => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = u.pathname
      .split('/')
      .slice(1)
      .map((p) => decodeURIComponent(p));
    const denied = authorize(req);
    if (denied) return denied;
    if (parts[0] === 'api' && parts[1] === 'models' && parts.length >= 4) {
      const name = `${parts[2]}/${parts[3]}`;
      if (req.method === 'GET' && parts.length === 4) {
        const repo = repos.get(name);
        if (!repo) return err(404, 'RepoNotFound', 'Repository not found');
        const files = [...(repo.revisions.get('main')?.keys() ?? [])];
        return {
          status: 200,
          body: {
            _id: commitSha(name, repo, 'id').slice(0, 24),
            id: name,
            modelId: name,
            private: repo.private,
            sha: commitSha(name, repo, 'main'),
            siblings: files.map((rfilename) => ({ rfilename })),
          },
        };
      }
      if (req.method === 'GET' && parts[4] === 'tree' && parts[5])
        return tree(name, parts[5], parts.slice(6).join('/'), u.searchParams);
    }
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      parts.length >= 5 &&
      (parts[2] === 'resolve' || parts[2] === 'raw')
    ) {
      return file(req, `${parts[0]}/${parts[1]}`, parts[3]!, parts.slice(4).join('/'));
    }
    return err(404, null, 'Not Found');
  };

  const server = http.createServer((req, res) => {
    req.resume();
    let reply: Reply;
    try {
      reply = route(req);
    } catch {
      reply = err(500, null, 'Internal Error');
    }
    requestLog.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, status: reply.status });
    const isBuf = Buffer.isBuffer(reply.body) || typeof reply.body === 'string';
    const body =
      reply.body === null || reply.body === undefined
        ? null
        : isBuf
          ? (reply.body as Buffer | string)
          : JSON.stringify(reply.body);
    const headers: Record<string, string> = {
      ...(isBuf || body === null ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      ...reply.headers,
    };
    if (body !== null && !headers['Content-Length'] && req.method !== 'HEAD')
      headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(req.method === 'HEAD' ? undefined : (body ?? undefined));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;

  const revFiles = (repo: string, revision: string, create: boolean): Map<string, HubFile> | undefined => {
    const r = repoOf(repo, create);
    if (!r) return undefined;
    let files = r.revisions.get(revision);
    if (!files && create) r.revisions.set(revision, (files = new Map()));
    return files;
  };

  return {
    url,
    port,
    requestLog,
    putFile(repo, path, content, revision = 'main', message) {
      const p = path.replace(/^\/+/, '');
      const files = revFiles(repo, revision, true)!;
      const r = repoOf(repo)!;
      r.version++;
      const commit = {
        id: commitSha(repo, r, revision),
        title: message ?? `Upload ${p}`,
        date: new Date().toISOString(),
      };
      files.set(p, makeFile(p, content, commit));
    },
    deleteFile(repo, path, revision = 'main') {
      const ok = revFiles(repo, revision, false)?.delete(path) ?? false;
      if (ok) repoOf(repo)!.version++;
      return ok;
    },
    createRepo(repo, o = {}) {
      const r = repoOf(repo, true)!;
      if (o.private !== undefined) r.private = o.private;
    },
    deleteRepo(repo) {
      repos.delete(repo);
    },
    files(repo, revision = 'main') {
      return [...(revFiles(repo, revision, false)?.values() ?? [])].map((f) => ({
        path: f.path,
        size: f.size,
        content: f.content,
        message: f.commit?.title ?? null,
      }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
