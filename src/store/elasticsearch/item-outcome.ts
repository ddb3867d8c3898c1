/**
 * What to do with one item of a `_bulk` response. The table (status → outcome):
 *
 * | item status                      | row has a version | outcome                                              |
 * |----------------------------------|-------------------|------------------------------------------------------|
 * | 200, 201                         | any               | `indexed`: remove from the spool                     |
 * | 409 (version conflict)           | yes               | `superseded`: a newer state is already indexed; remove |
 * | 400 (mapping, parsing, too long) | any               | `rejected`: to the dead-letter table with the reason |
 * | 429, 502, 503, 504               | any               | `retry`, and the indexer slows down (overloaded)     |
 * | anything else (403 read-only block, 404 missing index, 5xx, 409 without version) | any | `retry`: never dropped; visible in health |
 *
 * Only 400 is final: it says the document itself is wrong, so sending it again cannot help. Every
 * other failure is about the cluster's state and may heal.
 */
export type ItemOutcome =
  | { kind: 'indexed' }
  | { kind: 'superseded' }
  | { kind: 'rejected'; status: number; errorType: string; reason: string }
  | { kind: 'retry'; status: number; errorType: string; reason: string; overloaded: boolean };

/** The `error` object of a bulk item, as Elasticsearch sends it. */
export interface BulkItemError {
  type?: string;
  reason?: string | null;
  caused_by?: { type?: string; reason?: string | null };
}

function describe(error: BulkItemError | undefined): { errorType: string; reason: string } {
  const errorType = error?.type ?? 'unknown';
  const cause = error?.caused_by ? ` (${error.caused_by.type ?? ''}: ${error.caused_by.reason ?? ''})` : '';
  return { errorType, reason: `${error?.reason ?? '(no reason given)'}${cause}` };
}

/** Classify one bulk item by the table above. */
export function classifyItem(status: number, error: BulkItemError | undefined, versioned: boolean): ItemOutcome {
  if (status >= 200 && status < 300) return { kind: 'indexed' };
  if (status === 409 && versioned) return { kind: 'superseded' };
  if (status === 400) return { kind: 'rejected', status, ...describe(error) };
  const overloaded = status === 429 || status === 502 || status === 503 || status === 504;
  return { kind: 'retry', status, ...describe(error), overloaded };
}
