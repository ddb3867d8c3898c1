import type { z } from 'zod';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { RawItem, SourceType } from '../core/types';
import type { HttpClient } from '../http/types';

/** What a connector gets at poll time: all I/O goes through these. */
export interface ConnectorRuntime {
  /** The connector file's id. */
  id: string;
  http: HttpClient;
  log: Logger;
  clock: Clock;
  signal?: AbortSignal;
  /**
   * Whether an item at this URL was already ingested (stored or seen), when the caller keeps
   * state. Kinds use it to spend detail-page requests only on new items; without it (e.g.
   * `yuqing connectors test`) every item counts as new.
   */
  known?: (url: string) => boolean;
}

export interface PollResult {
  items: RawItem[];
  /** The source answered 304 (nothing new). */
  notModified: boolean;
  /** Per-item problems that were skipped (each already logged with connector, URL and code). */
  warnings: string[];
  /**
   * Records what this poll consumed (conditional-GET validators, cursors). The pipeline calls it
   * only after the items are stored, so a crash or a store failure in between refetches them
   * instead of hiding them behind a 304.
   */
  commit?: () => void;
  /**
   * The source asked not to be polled again sooner than this many milliseconds (rate-limit
   * headers on a successful answer, e.g. Reddit's `X-Ratelimit-Reset` when nothing remains).
   */
  retryAfterMs?: number;
}

/** When stored items of a kind are looked at again (see src/pipeline/revisit.ts). */
export interface RevisitPolicy {
  /** Offsets after an item was first stored, ascending (ms): one revisit at each. */
  afterMs: number[];
  /** Revisits per poll at most (each is one more request to the source). */
  maxPerPoll: number;
}

/** The item to look at again, as stored. */
export interface RevisitRequest {
  url: string;
  guid?: string;
  /** The title as last recorded (for pages that do not repeat it). */
  title?: string;
}

/** What a revisit found: the item now (full text, engagement), or that it is gone (deleted, hidden). */
export type RevisitResult = { status: 'present'; item: RawItem } | { status: 'gone'; detail: string };

/** Kinds whose items change after posting (forums) can fetch one item again. */
export interface Revisitor {
  policy: RevisitPolicy;
  /**
   * Fetch one stored item again. Resolves `gone` when the source says it is deleted or hidden
   * (404/410 and the kind's own markers); throws a typed error when the source fails.
   */
  fetch(rt: ConnectorRuntime, target: RevisitRequest): Promise<RevisitResult>;
}

export interface ConnectorInstance {
  /** Fetch once. Throws a typed error (HttpError, FeedParseError, ConnectorError) when the source fails as a whole. */
  poll(rt: ConnectorRuntime): Promise<PollResult>;
  /** Present when the kind can revisit items and the connector file did not turn it off. */
  revisit?: Revisitor;
}

/** A connector kind: one typed declaration per file (src/connectors/<kind>.ts). */
export interface ConnectorKind<S extends z.ZodType = z.ZodType> {
  kind: string;
  sourceType: SourceType;
  /** One line for `yuqing connectors kinds` and the README. */
  description: string;
  optionsSchema: S;
  create(options: z.output<S>, info: { id: string }): ConnectorInstance;
}

export function defineConnector<S extends z.ZodType>(def: ConnectorKind<S>): ConnectorKind<S> {
  return def;
}
