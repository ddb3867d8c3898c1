import { ruleFileSchema } from '../../src/config/rule-schema';
import { ExpressionError } from '../../src/core/errors';
import { compileLevels, grade, topicsWithSpikeFields } from '../../src/crisis/grade';
import type { WindowSignal } from '../../src/spikes/types';

function rule(levels: Record<string, unknown>) {
  return ruleFileSchema.parse({
    id: 'example-clinic',
    name: '範例診所',
    match: { any: ['範例診所'] },
    topics: { dispute: { risk: 'high', terms: ['醫療糾紛'] }, service: { risk: 'medium', terms: ['態度差'] } },
    levels,
  });
}

const seedLevels = {
  L3: { when: 'risk == high and mentions >= 3 or spikeRatio >= 5 and negativeShare >= 0.6', sla: { respond: '15m', resolve: '4h' }, notify: ['pr-lead', 'legal', 'director'] },
  L2: { when: 'spikeRatio >= 3 or risk == medium and mentions >= 5', sla: { respond: '30m', resolve: '12h' }, notify: ['pr-lead'] },
  L1: { when: 'spikeRatio >= 2', sla: { respond: '1h', resolve: '24h' }, notify: ['frontline'] },
};

function signal(over: Partial<WindowSignal>): WindowSignal {
  return {
    ruleId: 'example-clinic', windowStart: 0, windowEnd: 3_600_000, mentions: 0, baseline: 0, spikeRatio: 0, pValue: 1, zScore: 0, velocity: 0, warm: true,
    negative: 0, negativeShare: 0, risk: 'none', highRisk: 0, mediumRisk: 0, topics: {}, ...over,
  };
}

describe('grade', () => {
  const levels = compileLevels(rule(seedLevels));

  it('keeps the levels highest first with their SLA in ms and recipients', () => {
    expect(levels.levels.map((l) => [l.level, l.sla.respond, l.sla.resolve, l.notify])).toEqual([
      ['L3', 15 * 60_000, 4 * 3_600_000, ['pr-lead', 'legal', 'director']],
      ['L2', 30 * 60_000, 12 * 3_600_000, ['pr-lead']],
      ['L1', 3_600_000, 24 * 3_600_000, ['frontline']],
    ]);
  });

  it('picks L3 when L3 and the lower conditions all hold (a higher level mutes the lower ones)', () => {
    const s = signal({ mentions: 30, spikeRatio: 6, negativeShare: 0.7 });
    expect(levels.levels.every((l) => l.when.evaluate(s))).toBe(true);
    expect(grade(levels, s)).toEqual({ level: 'L3', condition: seedLevels.L3.when });
  });

  it('picks L2 when L2 and L1 hold but L3 does not', () => {
    expect(grade(levels, signal({ mentions: 12, spikeRatio: 3.5, negativeShare: 0.2 }))).toEqual({ level: 'L2', condition: seedLevels.L2.when });
  });

  it('picks L1 for a mild spike and null for a quiet window', () => {
    expect(grade(levels, signal({ mentions: 8, spikeRatio: 2 }))?.level).toBe('L1');
    expect(grade(levels, signal({ mentions: 4, spikeRatio: 1 }))).toBeNull();
  });

  it('lets a high-risk topic raise the level at low volume', () => {
    expect(grade(levels, signal({ mentions: 3, risk: 'high', highRisk: 3 }))?.level).toBe('L3');
  });

  it('grades only the levels a rule defines', () => {
    const onlyL2 = compileLevels(rule({ L2: seedLevels.L2 }));
    expect(onlyL2.levels.map((l) => l.level)).toEqual(['L2']);
    expect(grade(onlyL2, signal({ spikeRatio: 10, negativeShare: 1, mentions: 50 }))?.level).toBe('L2');
    expect(grade(onlyL2, signal({ spikeRatio: 2 }))).toBeNull();
  });

  it('compiles topic variables against the rule’s own topics', () => {
    const withTopic = compileLevels(rule({ L1: { ...seedLevels.L1, when: 'topic.dispute >= 2' } }));
    expect(grade(withTopic, signal({ topics: { dispute: 2 } }))?.level).toBe('L1');
  });
});

describe('compileLevels', () => {
  it('says which level failed, so the loader can point at levels.<level>.when', () => {
    let caught: unknown;
    try {
      compileLevels(rule({ ...seedLevels, L2: { ...seedLevels.L2, when: 'spikeRatio >= 3 or topic.refund > 0' } }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    const err = caught as ExpressionError;
    expect(err.offset).toBe(19);
    expect(err.context).toMatchObject({ level: 'L2', keyPath: 'levels.L2.when', rule: 'example-clinic', offset: 19 });
    expect(err.message).toMatch(/此規則沒有議題「refund」/);
    expect(err.cause).toBeInstanceOf(ExpressionError);
  });
});

describe('topicsWithSpikeFields', () => {
  it('names the topics whose own baseline a level needs, and not those only counted', () => {
    const levels = compileLevels(
      ruleFileSchema.parse({
        id: 'c', name: 'c', match: { any: ['x'] },
        topics: { dispute: { risk: 'high', terms: ['a'] }, service: { risk: 'medium', terms: ['b'] }, privacy: { risk: 'high', terms: ['p'] } },
        levels: { L2: { when: 'topic.dispute.zScore >= 3 or topic.service >= 5', sla: { respond: '30m', resolve: '12h' }, notify: ['x'] }, L1: { when: 'topic.privacy.spikeRatio >= 2', sla: { respond: '1h', resolve: '24h' }, notify: ['x'] } },
      }),
    );
    expect(topicsWithSpikeFields(levels)).toEqual(['dispute', 'privacy']);
  });
});
