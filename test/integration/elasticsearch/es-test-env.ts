import { Client } from '@elastic/elasticsearch';
import { randomBytes } from 'node:crypto';
import { indexNames, type IndexNames } from '../../../src/store/elasticsearch/index-names';

/**
 * The real node the integration tests run against. There is no fallback and no skip: without
 * `YUQING_TEST_ES_URL` (set by jest's globalSetup or by CI) the tests fail and say what to do.
 */
export function esTestUrl(): string {
  const url = process.env.YUQING_TEST_ES_URL;
  if (!url) {
    throw new Error(
      'YUQING_TEST_ES_URL 未設定：整合測試需要真的 Elasticsearch 節點 (no Elasticsearch node for the integration tests). ' +
        'Run them through jest with globalSetup test/integration/es-global-setup.ts, or `export YUQING_TEST_ES_URL=$(npm run -s es:start)`.',
    );
  }
  return url;
}

/** A client for the test node, checked to answer (a clear failure beats 30 s of timeouts). */
export async function connectTestNode(): Promise<Client> {
  const url = esTestUrl();
  const client = new Client({ node: url, maxRetries: 0, requestTimeout: 60_000 });
  try {
    await client.cluster.health({ wait_for_status: 'yellow', timeout: '30s' });
  } catch (err) {
    await client.close();
    throw new Error(`Elasticsearch ${url} 無法連線 (test node unreachable): ${err instanceof Error ? err.message : String(err)}`);
  }
  return client;
}

/** Index names of one test file: a random prefix, so test files running in parallel never meet. */
export function testIndexNames(): IndexNames {
  return indexNames(`yqt-${randomBytes(4).toString('hex')}`);
}

/** Delete every index and template of the names (by exact name, no wildcard deletes). */
export async function dropIndices(client: Client, names: IndexNames): Promise<void> {
  const rows = await client.cat.indices({ index: `${names.prefix}-*`, h: 'index', format: 'json', expand_wildcards: 'all' });
  const indices = rows.map((r) => r.index).filter((n): n is string => Boolean(n));
  if (indices.length > 0) await client.indices.delete({ index: indices.join(',') });
  for (const t of [names.mentionsTemplate, names.alertsTemplate]) await client.indices.deleteIndexTemplate({ name: t }, { ignore: [404] });
}

/** Make recent writes visible to search, then count documents matching the query. */
export async function refreshedCount(client: Client, index: string, query: object = { match_all: {} }): Promise<number> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  return (await client.count({ index, query, ignore_unavailable: true, allow_no_indices: true })).count;
}

/** All `_id`s in the index (sorted), read with search_after. */
export async function allIds(client: Client, index: string): Promise<string[]> {
  await client.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true });
  const ids: string[] = [];
  let after: unknown[] | undefined;
  for (;;) {
    const res = await client.search({ index, size: 5_000, _source: false, sort: [{ id: 'asc' }], ...(after ? { search_after: after as never } : {}) });
    const hits = res.hits.hits;
    ids.push(...hits.map((h) => h._id!));
    if (hits.length < 5_000) return ids.sort();
    after = hits[hits.length - 1]!.sort;
  }
}
