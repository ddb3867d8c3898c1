import type { EvidenceItem } from '../alerts/types';
import type { RiskLevel, SentimentLabel } from '../core/types';
import type { HitRow } from '../store/mentions-repo';
import type { DetectionData } from './detection-data';

/**
 * DetectionData over hits held in memory, for `yuqing backtest`: the same questions the daemon asks
 * SQLite, answered from sorted arrays. Counts over a fixed grid (every boundary a backtest asks
 * about: evaluation times, windows and buckets) come from prefix sums in O(1); any other range
 * (a calendar week's start) from two binary searches. Rows are materialised only for the small
 * ranges asked for (a window), so a million mentions stay compact.
 */

/** What a backtest keeps per mention (evidence fields), shared by that mention's hits. */
export interface MemoryMention {
  id: string;
  url: string;
  title: string;
  site: string;
  connector: string;
  publishedAt: string;
  fetchedAt: string;
  contentSha256: string;
  sentiment: SentimentLabel;
}

/** One mention × rule hit. */
export interface MemoryHit {
  atMs: number;
  mention: MemoryMention;
  negative: boolean;
  risk: RiskLevel;
  topics: string[];
  terms: string[];
}

interface RuleIndex {
  hits: MemoryHit[];
  times: Float64Array;
  /** Sorted times of hits per topic. */
  topicTimes: Map<string, Float64Array>;
  prefix?: Int32Array;
  topicPrefix: Map<string, Int32Array>;
}

/** The counting grid: cells of `cellMs` from `originMs`, `cells` of them. */
export interface CountGrid {
  originMs: number;
  cellMs: number;
  cells: number;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An in-memory DetectionData. Add hits, then `seal()` before asking. */
export class MemoryDetectionData implements DetectionData {
  private readonly rules = new Map<string, RuleIndex>();
  private sealed = false;
  private historyStartMs = 0;
  private grid: CountGrid = { originMs: 0, cellMs: 1, cells: 0 };

  /** Earliest and latest hit time over all rules (undefined when empty); valid after adding. */
  span(): { minMs: number; maxMs: number } | undefined {
    let minMs = Infinity;
    let maxMs = -Infinity;
    for (const r of this.rules.values()) for (const h of r.hits) {
      if (h.atMs < minMs) minMs = h.atMs;
      if (h.atMs > maxMs) maxMs = h.atMs;
    }
    return minMs === Infinity ? undefined : { minMs, maxMs };
  }

  add(ruleId: string, hit: MemoryHit): void {
    if (this.sealed) throw new Error('MemoryDetectionData: add after seal');
    let r = this.rules.get(ruleId);
    if (!r) {
      r = { hits: [], times: new Float64Array(0), topicTimes: new Map(), topicPrefix: new Map() };
      this.rules.set(ruleId, r);
    }
    r.hits.push(hit);
  }

  /**
   * Sort and index; no more hits may be added.
   * @param historyStartMs when observation "began" (the start of the replay)
   * @param grid the prefix-sum grid; ranges on it are counted in O(1), others by binary search
   */
  seal(historyStartMs: number, grid: CountGrid): void {
    this.historyStartMs = historyStartMs;
    this.grid = grid;
    for (const r of this.rules.values()) {
      r.hits.sort((a, b) => a.atMs - b.atMs);
      r.times = Float64Array.from(r.hits, (h) => h.atMs);
      const byTopic = new Map<string, number[]>();
      for (const h of r.hits) for (const t of new Set(h.topics)) (byTopic.get(t) ?? byTopic.set(t, []).get(t)!).push(h.atMs);
      for (const [t, times] of byTopic) r.topicTimes.set(t, Float64Array.from(times));
    }
    this.sealed = true;
  }

  /** Hits stored for a rule. */
  count(ruleId: string): number {
    return this.rules.get(ruleId)?.hits.length ?? 0;
  }

  hitsBetween(ruleId: string, fromMs: number, toMs: number): HitRow[] {
    const r = this.rules.get(ruleId);
    if (!r) return [];
    const out: HitRow[] = [];
    for (let i = lowerBound(r.times, fromMs); i < r.hits.length && r.times[i]! < toMs; i++) out.push(toHitRow(ruleId, r.hits[i]!));
    return out;
  }

  bucketCounts(ruleId: string, fromMs: number, toMs: number, bucketMs: number): number[] {
    const r = this.rules.get(ruleId);
    const n = Math.max(0, Math.ceil((toMs - fromMs) / bucketMs));
    if (!r) return new Array<number>(n).fill(0);
    r.prefix ??= this.prefixOf(r.times);
    return this.counts(r.times, r.prefix, fromMs, bucketMs, n);
  }

  topicBucketCounts(ruleId: string, topic: string, fromMs: number, toMs: number, bucketMs: number): number[] {
    const n = Math.max(0, Math.ceil((toMs - fromMs) / bucketMs));
    const r = this.rules.get(ruleId);
    const times = r?.topicTimes.get(topic);
    if (!r || !times) return new Array<number>(n).fill(0);
    let prefix = r.topicPrefix.get(topic);
    if (!prefix) {
      prefix = this.prefixOf(times);
      r.topicPrefix.set(topic, prefix);
    }
    return this.counts(times, prefix, fromMs, bucketMs, n);
  }

  topicCounts(ruleId: string, topics: readonly string[], fromMs: number, toMs: number): Record<string, number> {
    const r = this.rules.get(ruleId);
    return Object.fromEntries(
      topics.map((t) => {
        const times = r?.topicTimes.get(t);
        return [t, times ? lowerBound(times, toMs) - lowerBound(times, fromMs) : 0];
      }),
    );
  }

  historyStart(): number {
    return this.historyStartMs;
  }

  /** Prefix sums over the grid: p[k] = hits before cell k. Times outside the grid are clamped into it. */
  private prefixOf(times: Float64Array): Int32Array {
    const { originMs, cellMs, cells } = this.grid;
    const p = new Int32Array(cells + 1);
    for (const t of times) {
      const cell = Math.floor((t - originMs) / cellMs);
      if (cell >= 0 && cell < cells) p[cell + 1]!++;
    }
    for (let k = 1; k <= cells; k++) p[k]! += p[k - 1]!;
    return p;
  }

  private counts(times: Float64Array, prefix: Int32Array, fromMs: number, bucketMs: number, n: number): number[] {
    const { originMs, cellMs, cells } = this.grid;
    const onGrid = (x: number): number | undefined => {
      const k = (x - originMs) / cellMs;
      return Number.isInteger(k) && k >= 0 && k <= cells ? k : undefined;
    };
    const out = new Array<number>(n);
    let a = onGrid(fromMs);
    for (let i = 0; i < n; i++) {
      const startMs = fromMs + i * bucketMs;
      const endMs = startMs + bucketMs;
      const e = onGrid(endMs);
      // Both ends on the grid: O(1). Otherwise count exactly by binary search (never mix the two).
      out[i] = a !== undefined && e !== undefined ? prefix[e]! - prefix[a]! : lowerBound(times, endMs) - lowerBound(times, startMs);
      a = e;
    }
    return out;
  }
}

function toHitRow(ruleId: string, h: MemoryHit): HitRow {
  const m = h.mention;
  const evidence: EvidenceItem = {
    mentionId: m.id,
    url: m.url,
    title: m.title,
    site: m.site,
    connector: m.connector,
    publishedAt: m.publishedAt,
    fetchedAt: m.fetchedAt,
    contentSha256: m.contentSha256,
    sentiment: m.sentiment,
    topics: h.topics,
  };
  return { mentionId: m.id, ruleId, atMs: h.atMs, negative: h.negative, risk: h.risk, topics: h.topics, terms: h.terms, site: m.site, evidence };
}
