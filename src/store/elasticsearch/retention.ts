import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../core/logger';
import { toIndexError } from './index-error';
import { DEFAULT_INDEX_NAMES, mentionIndexMonth, type IndexNames } from './index-names';

const DAY_MS = 86_400_000;

/**
 * Monthly mention indices whose whole month ended more than `retentionDays` before `nowMs`, sorted.
 * Names that are not ours (`yuqing-mentions-2026.03` exactly) are never returned.
 */
export function expiredMentionIndices(names: IndexNames, indices: readonly string[], nowMs: number, retentionDays: number): string[] {
  const cutoff = nowMs - retentionDays * DAY_MS;
  return indices.filter((n) => {
    const month = mentionIndexMonth(names, n);
    return month !== undefined && month.endMs <= cutoff;
  }).sort();
}

/**
 * Delete expired monthly mention indices (the daemon's retention; no ILM needed). Indices are named
 * one by one, never by wildcard. The alerts index is never touched, and alert documents carry their
 * own copy of the evidence, so alerts stay complete after their mentions' month is deleted.
 * @returns the deleted index names
 * @throws IndexError when listing or deleting fails (the next run tries again)
 */
export async function enforceRetention(client: Client, options: { nowMs: number; retentionDays: number; log: Logger; names?: IndexNames }): Promise<string[]> {
  const names = options.names ?? DEFAULT_INDEX_NAMES;
  let indices: string[];
  try {
    const rows = await client.cat.indices({ index: `${names.mentionIndexPrefix}*`, h: 'index', format: 'json', expand_wildcards: 'all' });
    indices = rows.map((r) => r.index).filter((n): n is string => typeof n === 'string');
  } catch (err) {
    throw toIndexError(err, '列出提及索引');
  }
  const expired = expiredMentionIndices(names, indices, options.nowMs, options.retentionDays);
  if (expired.length === 0) return [];
  try {
    await client.indices.delete({ index: expired.join(',') });
  } catch (err) {
    throw toIndexError(err, '刪除過期索引');
  }
  options.log.child({ component: 'es-retention' }).info({ deleted: expired, retentionDays: options.retentionDays }, '已刪除過期的提及索引 (expired mention indices deleted)');
  return expired;
}
