import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Lang } from '../core/types';
import { UsageError } from '../core/errors';
import { detectLang } from '../text/language';
import type { Scorer } from '../text/scorer';
import type { MemoryDetectionData, MemoryMention } from './memory-detection-data';

/**
 * Mentions for `yuqing backtest`: one JSON object per line (NDJSON). Every line is scored again
 * with the rule file under test, so a change to its terms or topics shows in the replay.
 *
 * Fields (any other fields are ignored, so the daemon's stored mention documents work as they are):
 * - `publishedAt` (required): ISO 8601, or epoch milliseconds as a number;
 * - `title` and/or `body` (at least one, plain text);
 * - optional: `id` (default: from `url`, else from the text and time), `url`, `site`, `connector`,
 *   `fetchedAt` (default `publishedAt`; a mention counts at the earlier of the two, like the daemon),
 *   `lang` (`zh` | `en` | `other`; detected when absent), `contentSha256`.
 */

/** One mention as read, before scoring. Times are epoch ms. */
export interface BacktestInputMention {
  id: string;
  url: string;
  title: string;
  body: string;
  site: string;
  connector: string;
  publishedAtMs: number;
  fetchedAtMs: number;
  lang: Lang;
  contentSha256: string;
}

function timeOf(value: unknown, field: string, where: string): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new UsageError(`${where}：${field} 必須是 ISO 8601 時間或毫秒數 (${field} must be an ISO 8601 time or epoch ms)`, { context: { where, field } });
  return ms;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Check and complete one record.
 * @param where `mentions.ndjson:12`, for the message
 * @throws UsageError naming `where` and the field when a required field is missing or malformed
 */
export function parseMentionRecord(value: unknown, where: string): BacktestInputMention {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${where}：每行必須是一個 JSON 物件 (each line must be a JSON object)`, { context: { where } });
  const o = value as Record<string, unknown>;
  const title = str(o.title);
  const body = str(o.body) || str(o.text);
  if (!title && !body) throw new UsageError(`${where}：至少要有 title 或 body (title or body required)`, { context: { where } });
  const publishedAtMs = timeOf(o.publishedAt, 'publishedAt', where);
  const fetchedAtMs = o.fetchedAt === undefined ? publishedAtMs : timeOf(o.fetchedAt, 'fetchedAt', where);
  const url = str(o.url);
  const lang = o.lang === 'zh' || o.lang === 'en' || o.lang === 'other' ? o.lang : detectLang(`${title}\n${body}`);
  const digest = (s: string): string => createHash('sha256').update(s).digest('hex');
  return {
    id: str(o.id) || digest(url || `${title}\n${body}\n${publishedAtMs}`).slice(0, 32),
    url,
    title,
    body,
    site: str(o.site) || (url && URL.canParse(url) ? new URL(url).hostname : ''),
    connector: str(o.connector) || 'backtest',
    publishedAtMs,
    fetchedAtMs,
    lang,
    contentSha256: str(o.contentSha256) || digest(`${title}\n${body}`),
  };
}

/**
 * Read an NDJSON file line by line (blank lines skipped), without holding the file in memory.
 * @throws UsageError naming the file and line of the first line that is not JSON
 */
export async function* readNdjson(path: string): AsyncGenerator<{ value: unknown; where: string }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new UsageError(`${path}:${n}：不是有效的 JSON (invalid JSON)`, { cause, context: { file: path, line: n } });
    }
    yield { value, where: `${path}:${n}` };
  }
}

/** What loading mentions into a replay came to. */
export interface LoadSummary {
  read: number;
  /** Mentions matching the rule (stored for the replay). */
  matched: number;
  /** Same id seen before in the input (counted once, like the daemon's dedupe). */
  duplicates: number;
}

/**
 * Score each record with `scorer` and add the hits of `ruleId` to `data`. The same id twice counts
 * once. Text is kept only as far as evidence needs it (title, capped).
 */
export async function loadMentions(records: AsyncIterable<{ value: unknown; where: string }>, scorer: Scorer, ruleId: string, data: MemoryDetectionData): Promise<LoadSummary> {
  const seen = new Set<string>();
  const summary: LoadSummary = { read: 0, matched: 0, duplicates: 0 };
  for await (const { value, where } of records) {
    summary.read++;
    const m = parseMentionRecord(value, where);
    if (seen.has(m.id)) {
      summary.duplicates++;
      continue;
    }
    seen.add(m.id);
    const scoring = scorer.score({ title: m.title, body: m.body, lang: m.lang });
    const hit = scoring.rules.find((r) => r.ruleId === ruleId);
    if (!hit) continue;
    summary.matched++;
    const mention: MemoryMention = {
      id: m.id,
      url: m.url,
      title: m.title.slice(0, 200),
      site: m.site,
      connector: m.connector,
      publishedAt: new Date(m.publishedAtMs).toISOString(),
      fetchedAt: new Date(m.fetchedAtMs).toISOString(),
      contentSha256: m.contentSha256,
      sentiment: scoring.sentiment.label,
    };
    data.add(ruleId, {
      atMs: Math.min(m.publishedAtMs, m.fetchedAtMs),
      mention,
      negative: scoring.sentiment.label === 'negative',
      risk: hit.risk,
      topics: hit.topics.map((t) => t.topic),
      terms: [...new Set([...hit.terms, ...hit.topics.flatMap((t) => t.terms)])],
    });
  }
  return summary;
}
