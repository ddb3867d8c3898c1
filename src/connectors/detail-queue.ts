import type { RawItem } from '../core/types';
import type { ConnectorRuntime } from './define';
import { isGone, isSourceLevel, warnItem } from './item-errors';

/**
 * New list items waiting for their detail page (article, post JSON, topic), kept across polls of
 * one connector instance. Detail pages cost one polite request each, so a poll fetches at most a
 * budget of them; the rest wait for the next poll instead of being stored as excerpts — matching
 * on the full text matters more than a few minutes. The queue is bounded: when a burst overflows
 * it, the oldest waiting items are handed over as excerpts (`partial`) with a warning, never lost.
 */
export class DetailQueue {
  private readonly waiting = new Map<string, RawItem>();

  constructor(private readonly cap = 500) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Add items not yet waiting (the newest list data replaces an older copy). */
  offer(items: readonly RawItem[]): void {
    for (const item of items) this.waiting.set(item.url, item);
  }

  /** Up to `n` items, oldest first (by publication time, then arrival). */
  take(n: number): RawItem[] {
    const all = [...this.waiting.values()].sort((a, b) => (a.publishedAt?.getTime() ?? 0) - (b.publishedAt?.getTime() ?? 0));
    const out = all.slice(0, n);
    for (const item of out) this.waiting.delete(item.url);
    return out;
  }

  /** Items beyond the cap, oldest first, removed from the queue. */
  overflow(): RawItem[] {
    const extra = this.waiting.size - this.cap;
    return extra > 0 ? this.take(extra) : [];
  }
}

/** What a detail fetch found: the full item, or that it is gone already. */
export type DetailResult = RawItem | 'gone';

export interface FetchDetailsOptions {
  queue: DetailQueue;
  /** Detail requests per poll at most; 0 = none (list data only, marked partial). */
  max: number;
  fetch: (item: RawItem) => Promise<DetailResult>;
  warnings: string[];
}

/**
 * Turn the list items of one poll into what the poll returns: items already ingested are left
 * out, new ones go through the queue, and up to `max` get their detail page. A gone detail page
 * (`fetch` returns 'gone' or throws a 404/410) or a failed one keeps the list data (partial; only
 * a failure is warned), so connectors need not catch 404/410 themselves. A source-level
 * failure (block, 429, robots) puts the rest back in the queue and is rethrown.
 */
export async function fetchDetails(rt: ConnectorRuntime, listed: readonly RawItem[], options: FetchDetailsOptions): Promise<RawItem[]> {
  const fresh = listed.filter((i) => !rt.known?.(i.url));
  if (options.max === 0) return fresh.map((i) => ({ ...i, partial: true }));
  const { queue, warnings } = options;
  queue.offer(fresh);
  const out: RawItem[] = [];
  for (const item of queue.overflow()) {
    warnings.push(`${rt.id} ${item.url} E_CONNECTOR 待抓全文的項目過多，此則只存摘要 (detail queue full; stored as excerpt)`);
    out.push({ ...item, partial: true });
  }
  const batch = queue.take(options.max);
  for (let i = 0; i < batch.length; i++) {
    const item = batch[i]!;
    try {
      const result = await options.fetch(item);
      out.push(result === 'gone' ? { ...item, partial: true } : result);
    } catch (err) {
      if (isSourceLevel(err, rt.signal)) {
        queue.offer(batch.slice(i));
        throw err;
      }
      if (!isGone(err)) warnItem(rt, warnings, item.url, err, '無法讀取全文，先保存列表上的摘要 (detail page failed; keeping the excerpt)');
      out.push({ ...item, partial: true });
    }
  }
  if (queue.size > 0) rt.log.info({ connector: rt.id, waiting: queue.size }, '部分新項目留待下次抓取全文 (some new items wait for the next poll)');
  return out;
}
