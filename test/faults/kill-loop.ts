import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../src/core/seeded-random';
import { SmtpCatcher } from '../../src/demo/smtp-catcher';
import { WebhookReceiver, type ScriptedReply } from '../../src/demo/webhook-receiver';
import { canonicalUrl } from '../../src/text/canonical-url';
import { mentionId } from '../../src/text/to-mention';
import { ROOT } from '../helpers/project-dir';
import { spawnCli, type CliProcess } from '../helpers/spawn-cli';
import { postLink, ScenarioFeeds } from './scenario-feeds';
import { between, buildTimeline, clientRuleYaml, FEEDS, type Client, type Post, type Timeline } from './scripted-timeline';
import { hasPendingDeliveries, readState, type StateSnapshot } from './state-probe';

const SECRET = 'whsec_' + Buffer.from('kill-loop-secret-0123456789abcdef').toString('base64');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Knobs of one run of the scenario. */
export interface KillLoopOptions {
  seed: number;
  iterations: number;
  /** Latest post of an iteration, ms after it starts (default 2000). */
  spanMs?: number;
  /** The first kill comes uniformly in [0, spanMs + killTailMs] (default 1500). */
  killTailMs?: number;
  /**
   * Chance that an iteration with a crisis aims its first kill at a moment when deliveries are pending
   * (the outbox is watched; by the end of the random kill's range it is killed anyway) instead of a
   * random moment (default 0.5). Random kills alone hit a pending delivery only a few times a run,
   * some runs never.
   */
  aimAtDeliveriesChance?: number;
  /** Chance of a second kill soon after the restart, while the daemon recovers (default 0.3). */
  secondKillChance?: number;
  /** Time allowed for the daemon to catch up after the last kill of an iteration (default 45 s). */
  settleTimeoutMs?: number;
  /** Index the mentions into this node too (the daemon's `elasticsearch:` block). */
  elasticsearch?: { url: string; indexPrefix: string };
  /** Extra invariants after each iteration (the index), given what must be there. */
  afterIteration?: (ctx: IterationContext) => Promise<void>;
}

/** What an iteration's checks get. */
export interface IterationContext {
  iteration: number;
  /** Mention ids every fetched post that matched a rule must have, once. */
  expectedMentionIds: Set<string>;
  state: StateSnapshot;
  /** Prefix for assertion messages: seed and iteration. */
  where: string;
}

/** What happened over the whole run (for the report and for the "did the kills hit anything" checks). */
export interface KillLoopReport {
  seed: number;
  iterations: number;
  kills: number;
  /** Kills that left published posts not yet stored. */
  killsWithUnstoredPosts: number;
  /** Kills that left deliveries pending in the outbox. */
  killsWithPendingDeliveries: number;
  /** Kills that left rows in the Elasticsearch spool. */
  killsWithSpooledWrites: number;
  /** Kills before the state file had its schema (start-up). */
  killsBeforeSchema: number;
  crises: number;
  nearMisses: number;
  mentions: number;
  alerts: number;
  deliveries: number;
  /** Same key received more than once (at-least-once redeliveries after a kill or a timeout). */
  redeliveredKeys: number;
  wallMs: number;
}

/** The matched posts' mention ids (what must be stored). */
export function mentionIdOf(post: Post): string {
  return mentionId(canonicalUrl(postLink(post)));
}

function writeProject(dir: string, timeline: Timeline, urls: Record<string, string>, smtpPort: number, webhookUrl: string, es: KillLoopOptions['elasticsearch']): string {
  mkdirSync(join(dir, 'rules'), { recursive: true });
  mkdirSync(join(dir, 'connectors'), { recursive: true });
  cpSync(join(ROOT, 'rules', 'lexicons'), join(dir, 'rules', 'lexicons'), { recursive: true });
  for (const c of timeline.clients) writeFileSync(join(dir, 'rules', `${c.id}.yaml`), clientRuleYaml(c));
  for (const feed of FEEDS) writeFileSync(join(dir, 'connectors', `${feed}.yaml`), `id: ${feed}\nkind: rss\nschedule: "* * * * * *"\noptions:\n  url: "${urls[feed]}"\n`);
  const file = join(dir, 'yuqing.yaml');
  writeFileSync(
    file,
    `timeZone: Asia/Taipei
storage: { sqlitePath: data/state.db }
http: { perHostIntervalMs: 0, retries: 0, timeoutMs: 5000, allowPrivateHosts: [127.0.0.1] }
server: { enabled: false }
detection: { schedule: "* * * * * *" }
delivery: { initialBackoffMs: 100, maxBackoffMs: 1000 }
channels:
  email:
    smtp: { host: 127.0.0.1, port: ${smtpPort} }
    from: "輿情警示 <alerts@yuqing.test>"
  webhooks:
    ops: { url: "${webhookUrl}", secretEnv: YUQING_TEST_WEBHOOK_SECRET, timeoutMs: 3000 }
  allowPrivateHosts: [127.0.0.1]
recipients:
  pr-lead: { name: 公關主管, email: [pr@clinic.test], webhooks: [ops] }
${es ? `elasticsearch: { url: "${es.url}", indexPrefix: ${es.indexPrefix}, bulk: { idleMs: 50 }, retry: { initialBackoffMs: 100, maxBackoffMs: 1000 } }\n` : ''}`,
  );
  return file;
}

/** The webhook receiver's answers: mostly 200 after up to 250 ms (a window for kills between send and record), some 500s and 429s. */
function scriptedReplies(random: () => number, n: number): ScriptedReply[] {
  return Array.from({ length: n }, () => {
    const r = random();
    if (r < 0.05) return { status: 500 };
    if (r < 0.08) return { status: 429, headers: { 'retry-after': '1' } };
    return { status: 200, delayMs: between(random, 0, 250) };
  });
}

/**
 * The SIGKILL scenario: a seeded timeline of posts (some crises, some near misses) served by local
 * feeds; in every iteration the daemon (`yuqing run` in its own process) is killed with SIGKILL at a
 * random moment (in some crisis iterations, the moment a delivery is pending), sometimes killed again
 * while it recovers, restarted, and left to catch up; then the
 * invariants are checked with `expect` (see {@link checkIteration}). Loopback only, real SMTP and
 * webhook receivers.
 */
export async function runKillLoop(options: KillLoopOptions): Promise<KillLoopReport> {
  const started = Date.now();
  const spanMs = options.spanMs ?? 2_000;
  const timeline = buildTimeline(options.seed, options.iterations, { spanMs });
  const random = seededRandom(options.seed ^ 0x5eed);
  const feeds = new ScenarioFeeds();
  const smtp = new SmtpCatcher();
  const hooks = new WebhookReceiver({ secret: SECRET });
  hooks.script(...scriptedReplies(random, 5_000));
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-faults-'));
  const statePath = join(dir, 'data', 'state.db');
  const report: KillLoopReport = {
    seed: options.seed,
    iterations: options.iterations,
    kills: 0,
    killsWithUnstoredPosts: 0,
    killsWithPendingDeliveries: 0,
    killsWithSpooledWrites: 0,
    killsBeforeSchema: 0,
    crises: timeline.clients.filter((c) => c.crisis).length,
    nearMisses: timeline.clients.filter((c) => !c.crisis && c.disputes > 0).length,
    mentions: 0,
    alerts: 0,
    deliveries: 0,
    redeliveredKeys: 0,
    wallMs: 0,
  };
  const daemons: CliProcess[] = [];
  let daemon: CliProcess | undefined;
  const published: Post[] = [];
  const spawnDaemon = (): CliProcess => {
    const d = spawnCli(['--config', config, 'run'], { YUQING_TEST_WEBHOOK_SECRET: SECRET });
    daemons.push(d);
    return d;
  };
  const diagnostics = (): string =>
    daemons
      .slice(-2)
      .map((d) => `--- daemon #${daemons.indexOf(d) + 1} of ${daemons.length}, output (tail) ---\n${d.output().slice(-4_000)}`)
      .join('\n');
  const kill = async (d: CliProcess): Promise<void> => {
    d.child.kill('SIGKILL');
    const how = await d.exited;
    if (how !== 'SIGKILL') throw new Error(`seed ${options.seed}: the daemon ended by itself (${how}) before it was killed\n${diagnostics()}`);
    report.kills++;
    const state = readState(statePath);
    if (!state) {
      report.killsBeforeSchema++;
      return;
    }
    const stored = new Set([...state.hits.values()].flat());
    if (published.some((p) => p.client !== null && !stored.has(mentionIdOf(p)))) report.killsWithUnstoredPosts++;
    if (state.outbox.some((r) => r.status === 'pending')) report.killsWithPendingDeliveries++;
    if (state.spoolDepth > 0) report.killsWithSpooledWrites++;
  };

  const urls = await feeds.start();
  await Promise.all([smtp.start(), hooks.start()]);
  const config = writeProject(dir, timeline, urls, smtp.port, hooks.url, options.elasticsearch);
  try {
    for (let it = 0; it < options.iterations; it++) {
      const where = `seed ${options.seed}, iteration ${it}`;
      const posts = timeline.posts.filter((p) => p.iteration === it);
      const iterationStart = Date.now();
      daemon ??= spawnDaemon();
      const publishing = Promise.all(
        posts.map(async (p) => {
          await sleep(Math.max(0, iterationStart + p.atOffsetMs - Date.now()));
          feeds.publish(p);
          published.push(p);
        }),
      );
      const killRangeMs = spanMs + (options.killTailMs ?? 1_500);
      const hasCrisis = timeline.clients.some((c) => c.iteration === it && c.crisis);
      if (hasCrisis && random() < (options.aimAtDeliveriesChance ?? 0.5)) {
        const deadline = iterationStart + killRangeMs;
        while (Date.now() < deadline && !hasPendingDeliveries(statePath)) await sleep(5);
      } else {
        await sleep(between(random, 0, killRangeMs));
      }
      await kill(daemon);
      daemon = spawnDaemon();
      if (random() < (options.secondKillChance ?? 0.3)) {
        // Killed again while it restarts, catches up or redelivers.
        await sleep(between(random, 0, 1_500));
        await kill(daemon);
        daemon = spawnDaemon();
      }
      await publishing;
      const state = await settle(statePath, timeline, published, it, smtp, hooks, options.settleTimeoutMs ?? 45_000, where, diagnostics);
      const expectedMentionIds = checkIteration(state, !options.elasticsearch, timeline, published, it, feeds, smtp, hooks, where);
      await options.afterIteration?.({ iteration: it, expectedMentionIds, state, where });
    }
    daemon!.child.kill('SIGTERM');
    const how = await daemon!.exited;
    if (how !== 0) throw new Error(`seed ${options.seed}: the daemon did not stop cleanly on SIGTERM (${how})\n${diagnostics()}`);
    daemon = undefined;
    const final = readState(statePath)!;
    report.mentions = new Set([...final.hits.values()].flat()).size;
    report.alerts = final.alerts.length;
    report.deliveries = final.outbox.length;
    const received = [...hooks.deliveries.filter((d) => d.status === 200).map((d) => String(d.headers['webhook-id'])), ...smtp.messages.map((m) => m.headers['x-yuqing-idempotency-key'] ?? '')];
    const counts = new Map<string, number>();
    for (const k of received) counts.set(k, (counts.get(k) ?? 0) + 1);
    report.redeliveredKeys = [...counts.values()].filter((n) => n > 1).length;
    report.wallMs = Date.now() - started;
    return report;
  } finally {
    if (daemon) {
      daemon.child.kill('SIGKILL');
      await daemon.exited;
    }
    await Promise.all([feeds.stop(), smtp.stop(), hooks.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Posts published so far that match a rule, and the mention ids they must be stored under. */
function expectedIds(published: Post[]): Set<string> {
  return new Set(published.filter((p) => p.client !== null).map(mentionIdOf));
}

/**
 * Wait until the daemon has caught up with everything published: every post seen and every matched
 * one stored, every rule evaluated after that, every crisis at its level, nothing pending in the outbox or the spool,
 * and every sent delivery seen by its receiver.
 */
async function settle(
  statePath: string,
  timeline: Timeline,
  published: Post[],
  iteration: number,
  smtp: SmtpCatcher,
  hooks: WebhookReceiver,
  timeoutMs: number,
  where: string,
  diagnostics: () => string,
): Promise<StateSnapshot> {
  const expected = expectedIds(published);
  const rules = timeline.clients.filter((c) => c.iteration <= iteration);
  const crises = rules.filter((c) => c.crisis);
  const deadline = Date.now() + timeoutMs;
  let allStoredAt: number | undefined;
  let last: StateSnapshot | undefined;
  let waitingFor = 'the state file';
  let lostSince: number | undefined;
  for (;;) {
    const state = readState(statePath);
    last = state ?? last;
    if (state) {
      const stored = new Set([...state.hits.values()].flat());
      const missing = [...expected].filter((id) => !stored.has(id));
      // Posts that match no rule are only marked seen: the feed's next poll may come after the last stored mention.
      const notSeen = published.filter((p) => !state.seen.has(mentionIdOf(p)));
      if (missing.length > 0) waitingFor = `${missing.length} published mentions to be stored`;
      else if (notSeen.length > 0) waitingFor = `published posts to be fetched (${notSeen.map((p) => p.key).join(', ')})`;
      else {
        allStoredAt ??= Date.now();
        const webhookOk = new Set(hooks.deliveries.filter((d) => d.status >= 200 && d.status < 300).map((d) => String(d.headers['webhook-id'])));
        const mailed = new Set(smtp.messages.map((m) => m.headers['x-yuqing-idempotency-key']));
        const notEvaluated = rules.filter((c) => (state.evaluatedMs.get(c.id) ?? 0) < allStoredAt!);
        const levels = new Map(state.alerts.map((a) => [a.ruleId, a.level]));
        const crisisBehind = crises.filter((c) => levels.get(c.id) !== c.expectedLevel);
        const pending = state.outbox.filter((r) => r.status === 'pending');
        // A receiver records a message before it answers, so a row marked sent and not received is lost, not late.
        const unseen = state.outbox.filter((r) => r.status === 'sent' && !(r.channel === 'webhook' ? webhookOk : mailed).has(r.key));
        if (unseen.length === 0) lostSince = undefined;
        if (notEvaluated.length > 0) waitingFor = `detection after the last mention was stored (${notEvaluated.map((c) => c.id).join(', ')})`;
        else if (crisisBehind.length > 0) waitingFor = `crisis alerts at their level (${crisisBehind.map((c) => `${c.id} ${levels.get(c.id) ?? 'none'}→${c.expectedLevel}`).join(', ')})`;
        else if (pending.length > 0) waitingFor = `${pending.length} pending deliveries`;
        else if (unseen.length > 0) {
          waitingFor = `sent deliveries to reach their receivers: ${unseen.map((r) => `${r.channel} ${r.key}`).join(', ')}`;
          lostSince ??= Date.now();
          if (Date.now() - lostSince > 5_000) throw new Error(`${where}: deliveries recorded as sent never reached their receivers (${unseen.map((r) => `${r.channel} ${r.key}`).join(', ')})\n${diagnostics()}`);
        } else if (state.spoolDepth > 0) waitingFor = `${state.spoolDepth} spooled index writes`;
        else return state;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${where}: the daemon did not catch up within ${timeoutMs} ms; still waiting for ${waitingFor}\n` +
          `outbox: ${JSON.stringify(last?.outbox.filter((r) => r.status !== 'sent'))}\n${diagnostics()}`,
      );
    }
    await sleep(100);
  }
}

/**
 * The invariants after an iteration:
 * 1. every fetched post that matches a rule is stored exactly once (documents, and one hit per rule
 *    per mention); every fetched post is recorded as seen;
 * 2. every crisis has exactly one alert, at its level; no alert for a client without a crisis;
 * 3. every queued delivery was sent, and its receiver saw its key; receivers saw no other key;
 *    one event reached a receiver under one key only (duplicates only of the same key);
 * 4. nothing reached a receiver about a client without a crisis.
 * @returns the mention ids that must be stored
 */
function checkIteration(state: StateSnapshot, withDocuments: boolean, timeline: Timeline, published: Post[], iteration: number, feeds: ScenarioFeeds, smtp: SmtpCatcher, hooks: WebhookReceiver, where: string): Set<string> {
  const clients = new Map<string, Client>(timeline.clients.map((c) => [c.id, c]));
  const expected = expectedIds(published);

  // 1. Fetched → stored, exactly once.
  const matched = published.filter((p) => p.client !== null);
  expect({ where, fetched: matched.filter((p) => feeds.served.has(p.key)).length }).toEqual({ where, fetched: matched.length });
  // SQLite keeps the documents unless Elasticsearch is the mention store (then `afterIteration` checks the index).
  const documents = withDocuments ? [...expected].sort() : [];
  expect({ where, documents: [...state.documents].sort(), rows: state.documentRows }).toEqual({ where, documents, rows: documents.length });
  const perRule = new Map<string, string[]>();
  for (const p of matched) perRule.set(p.client!, [...(perRule.get(p.client!) ?? []), mentionIdOf(p)]);
  for (const [rule, ids] of state.hits) {
    expect({ where, rule, hits: [...ids].sort() }).toEqual({ where, rule, hits: [...(perRule.get(rule) ?? [])].sort() });
  }
  for (const [rule, ids] of perRule) expect({ where, rule, stored: state.hits.get(rule)?.length ?? 0 }).toEqual({ where, rule, stored: ids.length });
  for (const p of published) expect({ where, seen: state.seen.has(mentionIdOf(p)), post: p.key }).toEqual({ where, seen: true, post: p.key });

  // 2. Alerts: one per crisis so far, at its level; none for anyone else.
  const crises = timeline.clients.filter((c) => c.iteration <= iteration && c.crisis);
  expect({ where, alerts: state.alerts.map((a) => `${a.ruleId} ${a.level} ${a.status}`).sort() }).toEqual({
    where,
    alerts: crises.map((c) => `${c.id} ${c.expectedLevel} open`).sort(),
  });

  // 3. Deliveries: all sent, each key seen by its receiver, no unknown keys, one key per event.
  expect({ where, notSent: state.outbox.filter((r) => r.status !== 'sent') }).toEqual({ where, notSent: [] });
  const keysBy = (channel: string): Set<string> => new Set(state.outbox.filter((r) => r.channel === channel).map((r) => r.key));
  const webhookKeys = keysBy('webhook');
  const emailKeys = keysBy('email');
  const hookAccepted = hooks.deliveries.filter((d) => d.status === 200);
  expect({ where, unknownWebhookKeys: hooks.deliveries.map((d) => String(d.headers['webhook-id'])).filter((k) => !webhookKeys.has(k)) }).toEqual({ where, unknownWebhookKeys: [] });
  expect({ where, unknownEmailKeys: smtp.messages.map((m) => m.headers['x-yuqing-idempotency-key'] ?? '').filter((k) => !emailKeys.has(k)) }).toEqual({ where, unknownEmailKeys: [] });
  expect({ where, webhookKeysNeverAccepted: [...webhookKeys].filter((k) => !hookAccepted.some((d) => d.headers['webhook-id'] === k)) }).toEqual({ where, webhookKeysNeverAccepted: [] });
  expect({ where, emailKeysNeverReceived: [...emailKeys].filter((k) => !smtp.messages.some((m) => m.headers['x-yuqing-idempotency-key'] === k)) }).toEqual({ where, emailKeysNeverReceived: [] });
  // One event, one key: group what arrived by the event it announces.
  const keysPerEvent = new Map<string, Set<string>>();
  const note = (event: string, key: string): void => void keysPerEvent.set(event, (keysPerEvent.get(event) ?? new Set()).add(key));
  for (const d of hooks.deliveries) {
    const data = (d.json as { data: { alert: { id: string }; event: { type: string; at: string; toLevel: string } } }).data;
    note(`webhook ${data.alert.id} ${data.event.type} ${data.event.at} ${data.event.toLevel}`, String(d.headers['webhook-id']));
  }
  for (const m of smtp.messages) note(`email ${m.headers['x-yuqing-alert-id']} ${m.headers['x-yuqing-event']} ${m.headers['x-yuqing-level']} ${m.envelope.to.join(',')}`, m.headers['x-yuqing-idempotency-key'] ?? '');
  expect({ where, eventsUnderSeveralKeys: [...keysPerEvent].filter(([, keys]) => keys.size > 1).map(([e, keys]) => `${e}: ${[...keys].join(' ')}`) }).toEqual({ where, eventsUnderSeveralKeys: [] });
  // Every event of every alert was queued (one row per channel), so every event reached both receivers.
  for (const e of state.events) {
    const rows = state.outbox.filter((r) => r.key.startsWith(`yq-${e.alertId}-${e.seq}-`));
    expect({ where, event: `${e.alertId}#${e.seq} ${e.type}`, channels: rows.map((r) => r.channel).sort() }).toEqual({ where, event: `${e.alertId}#${e.seq} ${e.type}`, channels: ['email', 'webhook'] });
  }

  // 4. Nothing about a client without a crisis reached anyone.
  const ruleOfAlert = new Map(state.alerts.map((a) => [a.id, a.ruleId]));
  const aboutNonCrisis = [
    ...hooks.deliveries.map((d) => (d.json as { data: { alert: { ruleId: string } } }).data.alert.ruleId),
    ...smtp.messages.map((m) => ruleOfAlert.get(m.headers['x-yuqing-alert-id'] ?? '') ?? `unknown alert ${m.headers['x-yuqing-alert-id']}`),
  ].filter((rule) => clients.get(rule)?.crisis !== true);
  expect({ where, deliveredWithoutCrisis: aboutNonCrisis }).toEqual({ where, deliveredWithoutCrisis: [] });
  return expected;
}
