import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './project-dir';

/** A rule that fires L2 on two dispute mentions within an hour (no warm-up needed: risk conditions). */
export const TEST_RULE = `id: test-clinic
name: 測試診所
match:
  any: [範例診所]
  exclude: [徵才]
topics:
  dispute: { name: 醫療糾紛, risk: high, terms: [醫療糾紛, 提告] }
volume: { bucket: 15m, window: 1h, baseline: 1d, minCount: 5, warmup: 1d }
levels:
  L2:
    when: "highRisk >= 2"
    sla: { respond: 30m, resolve: 12h }
    notify: [pr-lead]
  L1:
    when: "highRisk >= 1"
    sla: { respond: 1h, resolve: 24h }
    notify: [pr-lead]
cooldown: 2h
`;

export interface E2eProjectOptions {
  smtpPort: number;
  webhookUrl: string;
  /** Connector files: id → feed URL. */
  feeds: Record<string, string>;
  extraMain?: string;
  /** Connector schedule (default every 5 minutes). */
  schedule?: string;
  /** Detection + delivery schedule (default every minute). */
  detection?: string;
  /** Rule files: name → YAML (default one, `test-clinic.yaml` = TEST_RULE). */
  rules?: Record<string, string>;
  /** The `ops` webhook's timeout (default: the config's). */
  webhookTimeoutMs?: number;
}

/** Write a complete project (main config, rule, lexicon, connectors) into a temp folder. */
export function e2eProject(o: E2eProjectOptions): { dir: string; config: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-e2e-'));
  mkdirSync(join(dir, 'rules'), { recursive: true });
  mkdirSync(join(dir, 'connectors'), { recursive: true });
  cpSync(join(ROOT, 'rules', 'lexicons'), join(dir, 'rules', 'lexicons'), { recursive: true });
  for (const [name, yaml] of Object.entries(o.rules ?? { 'test-clinic': TEST_RULE })) writeFileSync(join(dir, 'rules', `${name}.yaml`), yaml);
  for (const [id, url] of Object.entries(o.feeds)) {
    writeFileSync(join(dir, 'connectors', `${id}.yaml`), `id: ${id}\nkind: rss\nschedule: "${o.schedule ?? '*/5 * * * *'}"\noptions:\n  url: "${url}"\n`);
  }
  writeFileSync(
    join(dir, 'yuqing.yaml'),
    `timeZone: Asia/Taipei
storage: { sqlitePath: data/state.db }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5000, allowPrivateHosts: [127.0.0.1] }
server: { enabled: false }
detection: { schedule: "${o.detection ?? '* * * * *'}" }
delivery: { initialBackoffMs: 100, maxBackoffMs: 1000 }
channels:
  email:
    smtp: { host: 127.0.0.1, port: ${o.smtpPort} }
    from: "輿情警示 <alerts@yuqing.test>"
  webhooks:
    ops: { url: "${o.webhookUrl}", secretEnv: YUQING_TEST_WEBHOOK_SECRET${o.webhookTimeoutMs === undefined ? '' : `, timeoutMs: ${o.webhookTimeoutMs}`} }
  allowPrivateHosts: [127.0.0.1]
recipients:
  pr-lead: { name: 公關主管, email: [pr@clinic.test], webhooks: [ops] }
${o.extraMain ?? ''}`,
  );
  return { dir, config: join(dir, 'yuqing.yaml'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
