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
}

export interface ConnectorInstance {
  /** Fetch once. Throws a typed error (HttpError, FeedParseError, ConnectorError) when the source fails as a whole. */
  poll(rt: ConnectorRuntime): Promise<PollResult>;
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
