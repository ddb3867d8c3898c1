import { ConfigError } from '../../src/core/errors';
import { loadProject, loadRuleFile } from '../../src/config/load';
import { mainConfigSchema } from '../../src/config/main-schema';
import { ruleFileSchema } from '../../src/config/rule-schema';
import { builtinRegistry } from '../../src/connectors/builtin';
import { sampleProject } from '../helpers/project-dir';

const MIN = 60_000;
const HOUR = 60 * MIN;

function problems(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const RULE = (extra: string): string => `id: c
name: 診所
match: { any: [診所] }
topics:
  dispute: { risk: high, terms: [提告] }
levels:
  L1: { when: "highRisk >= 1", sla: { respond: 1h, resolve: 24h }, notify: [pr-lead] }
${extra}`;

describe('rule files: escalation, red clock, weekly hot-spot', () => {
  it('parses escalate, reminders and weeklyHotspot with their defaults', () => {
    const file = {
      id: 'c', name: 'c', match: { any: ['x'] }, topics: { dispute: { risk: 'high', terms: ['a'] } },
      levels: { L1: { when: 'highRisk >= 1', sla: { respond: '1h', resolve: '24h' }, notify: ['x'] } },
      escalate: { notify: ['director'] },
      reminders: ['2h', '6h', '12h', '20h'],
      weeklyHotspot: {},
    };
    const rule = ruleFileSchema.parse(file);
    expect(rule.escalate).toEqual({ unacknowledgedAfter: 'respond', notify: ['director'] });
    expect(rule.reminders).toEqual([2 * HOUR, 6 * HOUR, 12 * HOUR, 20 * HOUR]);
    expect(rule.weeklyHotspot).toEqual({ topic: 'any', moreThan: 5, level: 'L1' });
    expect(rule.volume).toMatchObject({ method: 'robust', seasonality: 'auto' });
    expect(ruleFileSchema.parse({ ...file, escalate: { unacknowledgedAfter: '45m', notify: ['d'] } }).escalate?.unacknowledgedAfter).toBe(45 * MIN);
  });

  it('names the key and line of an unknown escalation recipient, an unknown hot-spot topic and a hot-spot nobody would hear', () => {
    const p = sampleProject();
    try {
      const path = p.write('rules/c.yaml', RULE(`escalate: { notify: [boss] }\nweeklyHotspot: { topic: [dispute, billing], level: L2 }\n`));
      const err = problems(() => loadRuleFile(path, new Set(['pr-lead'])));
      expect(err.problems.map((x) => [x.keyPath, x.line])).toEqual([
        ['escalate.notify[0]', 8],
        ['weeklyHotspot.topic[1]', 9],
        ['weeklyHotspot', 9],
      ]);
      expect(err.problems[0]!.message).toMatch(/收件人「boss」未在主設定檔 recipients 中定義/);
      expect(err.problems[1]!.message).toMatch(/此規則沒有議題「billing」/);
      expect(err.problems[2]!.message).toMatch(/週報熱點的等級 L2 未在 levels 中定義/);
    } finally {
      p.cleanup();
    }
  });

  it('accepts a hot-spot at a level the rule defines, whose recipients it then uses', () => {
    const p = sampleProject();
    try {
      const path = p.write('rules/c.yaml', RULE('weeklyHotspot: { topic: dispute, moreThan: 3 }\nreminders: [2h, 6h]\n'));
      expect(loadRuleFile(path, new Set(['pr-lead'])).config.weeklyHotspot).toEqual({ topic: 'dispute', moreThan: 3, level: 'L1' });
    } finally {
      p.cleanup();
    }
  });
});

describe('main config: chat channels, quiet hours, ack links, source health', () => {
  it('parses every channel, a recipient’s targets and quiet hours, and the source-health defaults', () => {
    const main = mainConfigSchema.parse({
      channels: {
        slack: { pr: { urlEnv: 'SLACK_URL' } },
        teams: { pr: { urlEnv: 'TEAMS_URL' } },
        discord: { ops: { url: 'https://discord.com/api/webhooks/1/x' } },
        line: { tokenEnv: 'LINE_TOKEN' },
        alertmanager: { oncall: { url: 'http://127.0.0.1:9093/hook' } },
      },
      recipients: { lead: { slack: ['pr'], teams: ['pr'], discord: ['ops'], line: ['C' + '0'.repeat(32)], alertmanager: ['oncall'], quietHours: { from: '22:00', to: '07:30' } } },
      server: { ackLinks: { baseUrl: 'https://yuqing.clinic.example', secretEnv: 'YUQING_ACK_SECRET' } },
    });
    expect(main.channels.line).toEqual({ tokenEnv: 'LINE_TOKEN', apiBaseUrl: 'https://api.line.me', timeoutMs: 15_000 });
    expect(main.recipients.lead!.quietHours).toEqual({ from: '22:00', to: '07:30' });
    expect(main.server.ackLinks).toEqual({ baseUrl: 'https://yuqing.clinic.example', secretEnv: 'YUQING_ACK_SECRET', ttl: 7 * 24 * HOUR });
    expect(main.detection.sources).toEqual({ failingAfter: HOUR, silentAfter: 3 * 24 * HOUR, level: 'L1', sla: { respond: HOUR, resolve: 24 * HOUR }, notify: [], overrides: {} });
  });

  it('refuses a bad LINE id, a bad clock time and equal quiet-hour bounds', () => {
    expect(() => mainConfigSchema.parse({ recipients: { a: { line: ['someone'] } } })).toThrow(/LINE/);
    expect(() => mainConfigSchema.parse({ recipients: { a: { quietHours: { from: '25:00', to: '07:00' } } } })).toThrow(/HH:MM/);
    expect(() => mainConfigSchema.parse({ recipients: { a: { quietHours: { from: '07:00', to: '07:00' } } } })).toThrow(/from 與 to 不可相同/);
  });

  it('names recipients whose chat targets are not configured channels, and unknown source-health recipients', () => {
    const p = sampleProject();
    try {
      p.write(
        'yuqing.yaml',
        `recipients:
  pr-lead: { slack: [nowhere], line: [U${'a'.repeat(32)}] }
  legal: {}
  director: {}
  frontline: {}
detection:
  sources: { notify: [ghost] }
`,
      );
      const err = problems(() => loadProject(p.config, builtinRegistry));
      expect(err.problems.map((x) => [x.keyPath, x.line])).toEqual([
        ['recipients.pr-lead.slack[0]', 2],
        ['recipients.pr-lead.line', 2],
        ['detection.sources.notify[0]', 7],
      ]);
    } finally {
      p.cleanup();
    }
  });
});
