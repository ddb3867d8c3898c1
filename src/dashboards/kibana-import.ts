import { UsageError } from '../core/errors';
import type { HttpClient } from '../http/types';
import { multipartFile } from './multipart-body';
import { isRecord, toNdjson, type SavedObject } from './saved-object';

/**
 * Kibana's saved-objects import API, through our one HTTP client:
 * `POST <kibana>[/s/<space>]/api/saved_objects/_import[?overwrite=true]`, a multipart/form-data body
 * with the NDJSON as the `file` part, and the `kbn-xsrf` header Kibana requires on every write.
 * Kibana answers 200 with `{ success, successCount, successResults, errors }`: an object that
 * replaced an existing one has `overwrite: true`; conflicts and missing references come back as
 * errors, not as an HTTP failure.
 */

/** How to sign in: an API key (`Authorization: ApiKey …`), a user and password (Basic), or nothing. */
export type KibanaAuth = { kind: 'api-key'; apiKey: string } | { kind: 'basic'; username: string; password: string } | { kind: 'none' };

/** Environment variables read for credentials (defaults; the CLI can rename them). */
export const KIBANA_ENV = { apiKey: 'YUQING_KIBANA_API_KEY', username: 'YUQING_KIBANA_USERNAME', password: 'YUQING_KIBANA_PASSWORD' } as const;

/**
 * Credentials from the environment: an API key wins; otherwise a username needs its password.
 * @throws UsageError (E_USAGE) naming the variable when only one of username / password is set
 */
export function kibanaAuthFromEnv(env: Record<string, string | undefined>, names: { apiKey: string; username: string; password: string } = KIBANA_ENV): KibanaAuth {
  const apiKey = env[names.apiKey]?.trim();
  if (apiKey) return { kind: 'api-key', apiKey };
  const username = env[names.username];
  const password = env[names.password];
  if (username && password) return { kind: 'basic', username, password };
  if (username || password) throw new UsageError(`已設定 ${username ? names.username : names.password}，但 ${username ? names.password : names.username} 未設定 (username and password go together)`);
  return { kind: 'none' };
}

function authHeader(auth: KibanaAuth): Record<string, string> {
  if (auth.kind === 'api-key') return { authorization: `ApiKey ${auth.apiKey}` };
  if (auth.kind === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}` };
  return {};
}

/** Kibana space ids: lower-case letters, digits, `_` and `-`. */
export const SPACE_ID_PATTERN = /^[a-z0-9_-]{1,100}$/;

/**
 * `<kibana>[/s/<space>]<path>`; the default space has no `/s/` prefix.
 * @throws UsageError when the URL is not http(s) or the space id is invalid
 */
export function kibanaApiUrl(kibanaUrl: string, space: string | undefined, path: string): string {
  let base: URL;
  try {
    base = new URL(kibanaUrl);
  } catch {
    throw new UsageError(`--kibana 不是有效的網址：${kibanaUrl} (invalid Kibana URL)`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UsageError(`--kibana 必須是 http(s) 網址：${kibanaUrl}`);
  if (space !== undefined && !SPACE_ID_PATTERN.test(space)) throw new UsageError(`--space 只能有小寫英數字、_ 與 -：${space} (invalid space id)`);
  const prefix = base.pathname.replace(/\/+$/, '');
  const spacePath = space && space !== 'default' ? `/s/${space}` : '';
  return `${base.origin}${prefix}${spacePath}${path}`;
}

export interface ImportRequest {
  http: HttpClient;
  kibanaUrl: string;
  space?: string;
  /** Replace objects that already exist (`overwrite=true`); without it they come back as conflicts. */
  overwrite: boolean;
  auth: KibanaAuth;
  objects: readonly SavedObject[];
  timeoutMs?: number;
}

/** One object in the answer. */
export interface ImportedObject {
  type: string;
  id: string;
  title: string;
}

export interface ImportFailure extends ImportedObject {
  /** Kibana's error type: `conflict`, `missing_references`, `unsupported_type`, `unknown` … */
  reason: string;
  message?: string;
}

export interface ImportReport {
  success: boolean;
  created: ImportedObject[];
  replaced: ImportedObject[];
  failed: ImportFailure[];
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** Read Kibana's answer; anything unexpected becomes one failure rather than a crash. */
export function parseImportResponse(text: string): ImportReport {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { success: false, created: [], replaced: [], failed: [{ type: '?', id: '?', title: '', reason: 'invalid_response', message: text.slice(0, 200) }] };
  }
  const b = isRecord(body) ? body : {};
  const created: ImportedObject[] = [];
  const replaced: ImportedObject[] = [];
  for (const r of Array.isArray(b.successResults) ? b.successResults : []) {
    if (!isRecord(r)) continue;
    const meta = isRecord(r.meta) ? r.meta : {};
    const item = { type: str(r.type), id: str(r.destinationId, str(r.id)), title: str(meta.title) };
    (r.overwrite === true ? replaced : created).push(item);
  }
  const failed: ImportFailure[] = [];
  for (const e of Array.isArray(b.errors) ? b.errors : []) {
    if (!isRecord(e)) continue;
    const meta = isRecord(e.meta) ? e.meta : {};
    const err = isRecord(e.error) ? e.error : {};
    const missing = Array.isArray(err.references) ? err.references.filter(isRecord).map((r) => `${str(r.type)}/${str(r.id)}`) : [];
    failed.push({
      type: str(e.type),
      id: str(e.id),
      title: str(e.title, str(meta.title)),
      reason: str(err.type, 'unknown'),
      ...(missing.length > 0 ? { message: `缺少 ${missing.join(', ')}` } : typeof err.message === 'string' ? { message: err.message } : {}),
    });
  }
  return { success: b.success === true && failed.length === 0, created, replaced, failed };
}

/**
 * Import `objects` into Kibana and say what happened to each.
 * @throws HttpError when Kibana cannot be reached or answers other than 2xx (401 bad credentials, 403 not allowed, 404 no such space …)
 */
export async function importSavedObjects(req: ImportRequest): Promise<ImportReport> {
  const url = kibanaApiUrl(req.kibanaUrl, req.space, '/api/saved_objects/_import') + (req.overwrite ? '?overwrite=true' : '');
  const form = multipartFile('file', 'yuqing.ndjson', 'application/ndjson', toNdjson(req.objects));
  const res = await req.http.request(url, {
    method: 'POST',
    headers: { 'content-type': form.contentType, 'kbn-xsrf': 'true', accept: 'application/json', ...authHeader(req.auth) },
    body: form.body,
    polite: false,
    followRedirects: false,
    ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
  });
  return parseImportResponse(res.text);
}

/**
 * Turn on the advanced setting `courier:ignoreFilterIfFieldNotInIndex` in the space, so a filter on
 * a field one data view lacks (等級 on mentions, 來源種類 on alerts) skips that data view's panels
 * instead of emptying them. Changes a space-wide setting: only on request.
 * @throws HttpError as for the import
 */
export async function enableCrossIndexFilters(req: Omit<ImportRequest, 'overwrite' | 'objects'>): Promise<void> {
  const url = kibanaApiUrl(req.kibanaUrl, req.space, '/api/kibana/settings');
  await req.http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'kbn-xsrf': 'true', accept: 'application/json', ...authHeader(req.auth) },
    body: JSON.stringify({ changes: { 'courier:ignoreFilterIfFieldNotInIndex': true } }),
    polite: false,
    followRedirects: false,
    ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
  });
}

/**
 * The bundle for indices under another prefix (`elasticsearch.indexPrefix`): data view titles
 * `yuqing-…` become `<prefix>-…`. Ids stay as they are.
 */
export function withIndexPrefix(objects: readonly SavedObject[], prefix: string): SavedObject[] {
  if (prefix === 'yuqing') return [...objects];
  return objects.map((o) => {
    if (o.type !== 'index-pattern' || typeof o.attributes.title !== 'string') return o;
    const title = o.attributes.title.split(',').map((p) => p.trim().replace(/^yuqing-/, `${prefix}-`)).join(',');
    return { ...o, attributes: { ...o.attributes, title } };
  });
}
