import { ConnectorError, errorCode, errorMessage, HttpError } from '../core/errors';
import type { ConnectorRuntime } from './define';

/**
 * How the connector kinds tell a failure of one item (skip it with a warning naming connector,
 * URL and code) from a failure of the whole source (throw, so the source is marked failing or
 * blocked and backs off). STYLE: never hide a ban as "no posts".
 */

/** 404 / 410: the item is gone (deleted, hidden). */
export function isGone(err: unknown): err is HttpError {
  return err instanceof HttpError && err.code === 'E_HTTP_STATUS' && (err.status === 404 || err.status === 410);
}

/**
 * Failures that concern the whole source, never one item: a block (403, Cloudflare challenge),
 * rate limiting (429), our own robots.txt refusal, a connector-level refusal (18+ board), or
 * shutdown.
 */
export function isSourceLevel(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  if (err instanceof ConnectorError) return true;
  if (!(err instanceof HttpError)) return false;
  return err.code === 'E_HTTP_BLOCKED' || err.code === 'E_HTTP_ROBOTS' || err.status === 429;
}

/** Log a skipped item and add the warning line the poll result carries. */
export function warnItem(rt: ConnectorRuntime, warnings: string[], url: string, err: unknown, what: string): void {
  const code = errorCode(err);
  rt.log.warn({ connector: rt.id, url, code, err: errorMessage(err) }, what);
  warnings.push(`${rt.id} ${url} ${code} ${what}：${errorMessage(err)}`);
}
