import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Kibana's saved-objects import API that checks requests the way Kibana's
 * documentation describes them, and answers in Kibana's shape:
 *
 * - `POST [/s/<space>]/api/saved_objects/_import[?overwrite=true]`; the default space has no prefix;
 *   an unknown space is 404;
 * - the `kbn-xsrf` header is required (400 without it, Kibana's message);
 * - `Authorization` must match when credentials are configured (401 otherwise);
 * - the body is `multipart/form-data` with exactly one part, `file`, an `.ndjson` file whose every
 *   line is a saved object (`type`, `id`, `attributes`, `references`);
 * - existing objects are conflicts unless `overwrite=true`, then `successResults[].overwrite: true`;
 *   references to objects neither in the file nor in the space are `missing_references`.
 *
 * Also `POST [/s/<space>]/api/kibana/settings` with `{ changes }` (kbn-xsrf required).
 */
export interface FakeKibana {
  url: string;
  /** Objects per space, `type/id` → object. */
  spaces: Map<string, Map<string, Record<string, unknown>>>;
  /** Advanced settings per space. */
  settings: Map<string, Record<string, unknown>>;
  /** Every request's method, path+query and a copy of its headers. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers'] }>;
  stop(): Promise<void>;
}

interface Part {
  headers: Record<string, string>;
  name?: string;
  filename?: string;
  body: string;
}

/** RFC 7578 parsing, enough to check a client: boundary from the header, parts split on it. */
export function parseMultipart(contentType: string, body: Buffer): Part[] | string {
  const m = /^multipart\/form-data;\s*boundary=("?)([^";]+)\1\s*$/i.exec(contentType);
  if (!m) return `content-type is not multipart/form-data with a boundary: ${contentType}`;
  const boundary = `--${m[2]}`;
  const text = body.toString('utf8');
  if (!text.startsWith(boundary)) return 'body does not start with the boundary';
  if (!text.trimEnd().endsWith(`${boundary}--`)) return 'body does not end with the closing boundary';
  const parts: Part[] = [];
  for (const chunk of text.slice(boundary.length, text.lastIndexOf(`${boundary}--`)).split(`\r\n${boundary}`)) {
    const raw = chunk.replace(/^\r\n/, '');
    const sep = raw.indexOf('\r\n\r\n');
    if (sep < 0) return 'a part has no header/body separator';
    const headers = Object.fromEntries(raw.slice(0, sep).split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const disp = headers['content-disposition'] ?? '';
    if (!/^form-data\b/i.test(disp)) return 'a part lacks Content-Disposition: form-data';
    const name = /\bname="([^"]*)"/.exec(disp)?.[1];
    const filename = /\bfilename="([^"]*)"/.exec(disp)?.[1];
    parts.push({ headers, ...(name !== undefined ? { name } : {}), ...(filename !== undefined ? { filename } : {}), body: raw.slice(sep + 4).replace(/\r\n$/, '') });
  }
  return parts;
}

export async function startFakeKibana(o: { authorization?: string; spaces?: string[] } = {}): Promise<FakeKibana> {
  const spaces = new Map<string, Map<string, Record<string, unknown>>>((o.spaces ?? ['default']).map((s) => [s, new Map()]));
  const settings = new Map<string, Record<string, unknown>>();
  const requests: FakeKibana['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? '/', 'http://kibana');
      const m = /^(?:\/s\/([a-z0-9_-]+))?(\/api\/saved_objects\/_import|\/api\/kibana\/settings)$/.exec(url.pathname);
      if (!m) return json(404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
      if (req.method !== 'POST') return json(404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
      if (o.authorization !== undefined && req.headers.authorization !== o.authorization) return json(401, { statusCode: 401, error: 'Unauthorized', message: '[security_exception]: unable to authenticate user' });
      if (req.headers['kbn-xsrf'] === undefined) return json(400, { statusCode: 400, error: 'Bad Request', message: 'Request must contain a kbn-xsrf header.' });
      const spaceId = m[1] ?? 'default';
      const space = spaces.get(spaceId);
      if (!space) return json(404, { statusCode: 404, error: 'Not Found', message: `Saved object [space/${spaceId}] not found` });
      const body = Buffer.concat(chunks);

      if (m[2] === '/api/kibana/settings') {
        const parsed = JSON.parse(body.toString('utf8')) as { changes?: Record<string, unknown> };
        if (!parsed.changes) return json(400, { statusCode: 400, error: 'Bad Request', message: '[request body.changes]: expected value of type [object]' });
        settings.set(spaceId, { ...settings.get(spaceId), ...parsed.changes });
        return json(200, { settings: settings.get(spaceId) });
      }

      const overwrite = url.searchParams.get('overwrite') === 'true';
      if (overwrite && url.searchParams.get('createNewCopies') === 'true') return json(400, { statusCode: 400, error: 'Bad Request', message: 'cannot use [overwrite] with [createNewCopies]' });
      const parts = parseMultipart(String(req.headers['content-type'] ?? ''), body);
      if (typeof parts === 'string') return json(415, { statusCode: 415, error: 'Unsupported Media Type', message: parts });
      const file = parts.filter((p) => p.name === 'file');
      if (parts.length !== 1 || file.length !== 1) return json(400, { statusCode: 400, error: 'Bad Request', message: '[request body.file]: expected exactly one file part' });
      if (!file[0]!.filename?.endsWith('.ndjson')) return json(400, { statusCode: 400, error: 'Bad Request', message: 'Invalid file extension .txt' });
      const objects = file[0]!.body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type?: string; id?: string; attributes?: Record<string, unknown>; references?: Array<{ type: string; id: string }> });
      if (objects.some((x) => typeof x.type !== 'string' || typeof x.id !== 'string' || typeof x.attributes !== 'object')) return json(400, { statusCode: 400, error: 'Bad Request', message: 'invalid saved object in file' });
      const inFile = new Set(objects.map((x) => `${x.type}/${x.id}`));
      const successResults: unknown[] = [];
      const errors: unknown[] = [];
      for (const x of objects) {
        const key = `${x.type}/${x.id}`;
        const meta = { title: String(x.attributes?.title ?? ''), icon: x.type };
        const missing = (x.references ?? []).filter((r) => !inFile.has(`${r.type}/${r.id}`) && !space.has(`${r.type}/${r.id}`));
        if (missing.length > 0) {
          errors.push({ id: x.id, type: x.type, title: meta.title, meta, error: { type: 'missing_references', references: missing.map((r) => ({ type: r.type, id: r.id })) } });
          continue;
        }
        const exists = space.has(key);
        if (exists && !overwrite) {
          errors.push({ id: x.id, type: x.type, title: meta.title, meta, error: { type: 'conflict' } });
          continue;
        }
        space.set(key, x as Record<string, unknown>);
        successResults.push({ type: x.type, id: x.id, meta, ...(exists ? { overwrite: true } : {}) });
      }
      return json(200, { success: errors.length === 0, successCount: successResults.length, successResults, ...(errors.length > 0 ? { errors } : {}) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spaces,
    settings,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
