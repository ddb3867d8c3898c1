import type { Clock } from '../../core/clock';
import type { IndexSpoolRepo } from '../index-spool-repo';
import type { StoredHook } from '../mentions-repo';
import { DEFAULT_INDEX_NAMES, mentionIndexFor, type IndexNames } from './index-names';
import { toMentionDocument } from './mention-document';

/**
 * The `onStored` hook of ingestion (`IngestDeps.onStored`, `MentionsRepo.ingest`'s `onFresh`): spools the
 * mention's index document in the transaction that stores it, so SQLite never has a mention the index
 * will not get. Its monthly index is fixed here, from the time the mention counts at.
 */
export function mentionSpoolHook(spool: IndexSpoolRepo, clock: Clock, names: IndexNames = DEFAULT_INDEX_NAMES): StoredHook {
  return (m, atMs) => spool.enqueue({ index: mentionIndexFor(names, atMs), id: m.id, doc: toMentionDocument(m, atMs) }, clock.now());
}
