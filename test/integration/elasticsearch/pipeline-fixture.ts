import type { Client } from '@elastic/elasticsearch';
import { resolve } from 'node:path';
import { loadRuleFile, type LoadedRule } from '../../../src/config/load';
import { ManualClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import type { RawItem, SourceType } from '../../../src/core/types';
import type { DemoFeed, DemoItem } from '../../../src/demo/scenario';
import { ingestItems, type IngestDeps } from '../../../src/pipeline/ingest';
import type { IndexNames } from '../../../src/store/elasticsearch/index-names';
import { mentionSpoolHook } from '../../../src/store/elasticsearch/mention-spool-hook';
import { SpoolIndexer } from '../../../src/store/elasticsearch/spool-indexer';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore, type StateStore } from '../../../src/store/state-store';
import { createScorer } from '../../../src/text/scorer';
import { defaultLexiconPath, loadLexicon } from '../../../src/text/lexicon';

/** The example clinic's rule file, as the daemon loads it. */
export function exampleRule(): LoadedRule {
  return loadRuleFile(resolve(__dirname, '../../../rules/example-clinic.yaml'));
}

/** A state store + spool + indexer wired the way the daemon wires them, on a manual clock. */
export interface IndexedPipeline {
  clock: ManualClock;
  store: StateStore;
  spool: IndexSpoolRepo;
  indexer: SpoolIndexer;
  deps: IngestDeps;
  close(): Promise<void>;
}

/** Ingestion whose `onStored` spools for the index, and an indexer draining the spool into `client`. */
export function indexedPipeline(client: Client, names: IndexNames, options: { startMs: number; sqlitePath?: string; maxDocs?: number; idleMs?: number; initialBackoffMs?: number; maxBackoffMs?: number }): IndexedPipeline {
  const clock = new ManualClock(options.startMs);
  const store = openStateStore({ path: options.sqlitePath ?? ':memory:', clock, storeMentionDocuments: false });
  const spool = new IndexSpoolRepo(store.db);
  const log = silentLogger();
  const rule = exampleRule();
  const scorer = createScorer({ rules: [rule.config], lexicon: loadLexicon(defaultLexiconPath()) });
  const indexer = new SpoolIndexer({
    client,
    spool,
    clock,
    log,
    maxDocs: options.maxDocs ?? 500,
    maxBytes: 5 * 1024 * 1024,
    idleMs: options.idleMs ?? 50,
    initialBackoffMs: options.initialBackoffMs ?? 100,
    maxBackoffMs: options.maxBackoffMs ?? 1_000,
  });
  const deps: IngestDeps = { store, scorer, clock, log, keepUnmatched: false, onStored: mentionSpoolHook(spool, clock, names) };
  return {
    clock,
    store,
    spool,
    indexer,
    deps,
    close: async () => {
      await indexer.stop();
      store.close();
    },
  };
}

const SOURCE: Record<DemoFeed, { id: string; sourceType: SourceType; site?: string }> = {
  news: { id: 'demo-news', sourceType: 'news' },
  ptt: { id: 'demo-ptt', sourceType: 'forum', site: 'PTT facelift' },
  alerts: { id: 'demo-alerts', sourceType: 'rss', site: 'Google 快訊' },
};

/** A demo item as its feed's connector would hand it to ingestion. */
export function rawItemOf(item: DemoItem): RawItem {
  return { guid: item.guid, url: item.url, title: item.title, text: item.body, author: item.author, publishedAt: new Date(item.publishedAt), ...(item.source ? { site: item.source } : {}) };
}

export function sourceOf(feed: DemoFeed): { id: string; sourceType: SourceType; site?: string } {
  return SOURCE[feed];
}

export { ingestItems };
