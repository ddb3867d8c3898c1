import type { Client } from '@elastic/elasticsearch';
import type { SpooledRow } from '../index-spool-repo';
import { toIndexError } from './index-error';
import { classifyItem, type BulkItemError, type ItemOutcome } from './item-outcome';

/** The NDJSON action line of one spooled row: `index` with the mention id (or alert key) as `_id`. */
export function actionLine(row: Pick<SpooledRow, 'index' | 'id' | 'version'>): string {
  const meta: Record<string, unknown> = { _index: row.index, _id: row.id };
  if (row.version !== null) {
    // external_gte: writing the same version again (a replay) succeeds; an older one gets 409.
    meta.version = row.version;
    meta.version_type = 'external_gte';
  }
  return JSON.stringify({ index: meta });
}

const NEWLINE = Buffer.from('\n');

/** The NDJSON body of the rows, in order: each row's action line, then its stored document bytes. */
export function bulkBody(rows: readonly SpooledRow[]): Buffer {
  const chunks: Buffer[] = [];
  for (const r of rows) chunks.push(Buffer.from(`${actionLine(r)}\n`), r.doc, NEWLINE);
  return Buffer.concat(chunks);
}

/** Only what the indexer reads back: keeps the response small for large batches. */
const FILTER_PATH = 'errors,items.*.status,items.*.error';

type BulkItem = { status?: number; error?: BulkItemError };

/**
 * Send one `_bulk` request for the rows (their JSON text is used as is; `body` when built beforehand) and classify every item.
 * @returns one outcome per row, in row order
 * @throws IndexError when the request as a whole fails (unreachable, timeout, 429/5xx, auth…): no row
 *   was settled, so the caller keeps them all
 */
export async function sendBulk(client: Client, rows: readonly SpooledRow[], body: Buffer = bulkBody(rows)): Promise<ItemOutcome[]> {
  let response: { errors?: boolean; items?: Array<Record<string, BulkItem>> };
  try {
    // The transport sends a Buffer body as it is (no NDJSON serialisation, no string encoding).
    response = await client.transport.request({ method: 'POST', path: '/_bulk', querystring: { filter_path: FILTER_PATH }, bulkBody: body });
  } catch (err) {
    throw toIndexError(err, '批次寫入 (_bulk) ');
  }
  const items = response.items ?? [];
  if (items.length !== rows.length) {
    throw toIndexError(new Error(`_bulk answered ${items.length} items for ${rows.length} documents`), '批次寫入 (_bulk) ');
  }
  return items.map((item, i) => {
    const result = Object.values(item)[0] ?? {};
    return classifyItem(result.status ?? 0, result.error, rows[i]!.version !== null);
  });
}
