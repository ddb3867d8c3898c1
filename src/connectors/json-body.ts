import { FeedParseError } from '../core/errors';
import type { HttpResponse } from '../http/types';

/**
 * The JSON of a response, or FeedParseError naming the URL: an HTML page where JSON was
 * expected (a login wall, a challenge that slipped through, a changed API) is a failure of the
 * source, never "no posts".
 */
export function jsonBody(res: Pick<HttpResponse, 'text' | 'url'>): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch (cause) {
    const head = res.text.trimStart().slice(0, 60).replace(/\s+/g, ' ');
    throw new FeedParseError(`回應不是 JSON（開頭：「${head}」）(response is not JSON)`, res.url, { cause });
  }
}

/** A plain object, or undefined. */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A string field, trimmed; undefined when absent or empty. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** A finite number field, else undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
