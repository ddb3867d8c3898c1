import { ruleFileSchema, type RuleFile } from '../../src/config/rule-schema';

/** A valid rule file with the given match/topics/sentiment blocks (levels are irrelevant to text tests). */
export function ruleFixture(partial: { id: string; match: { any: string[]; all?: string[]; exclude?: string[] }; topics?: Record<string, unknown>; sentiment?: { positive?: string[]; negative?: string[] } }): RuleFile {
  return ruleFileSchema.parse({
    name: partial.id,
    levels: { L1: { when: 'mentions >= 1', sla: { respond: '1h', resolve: '24h' }, notify: ['frontline'] } },
    ...partial,
  });
}
