import type { Notifier } from '../../src/alerts/notifiers/define';
import { alertmanagerNotifierKind } from '../../src/alerts/notifiers/alertmanager';
import { discordNotifierKind } from '../../src/alerts/notifiers/discord';
import { lineNotifierKind, lineRetryKey } from '../../src/alerts/notifiers/line';
import { createNotifierRegistry } from '../../src/alerts/notifiers/registry';
import { slackNotifierKind } from '../../src/alerts/notifiers/slack';
import { teamsNotifierKind } from '../../src/alerts/notifiers/teams';
import type { AlertmanagerPayload } from '../../src/alerts/render/alertmanager-payload';
import type { DiscordMessage } from '../../src/alerts/render/discord-message';
import type { SlackMessage } from '../../src/alerts/render/slack-message';
import type { TeamsMessage } from '../../src/alerts/render/teams-card';
import { ConfigError, DeliveryError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { WebhookReceiver } from '../../src/demo/webhook-receiver';
import { createHttpClient } from '../../src/http/client';
import { makeEvidence, makeNotice } from '../helpers/alert-fixtures';
import { notifierContext, parseMainConfig } from '../helpers/notifier-context';

const LINE_USER = 'U' + '4af49806292c4b0e8ee8ba1d1e0c6e1f'.slice(0, 32);
const TOKEN = 'line-channel-access-token-for-tests';

function realHttp() {
  return createHttpClient({ userAgent: 'Yuqing-test/1', timeoutMs: 5_000, maxBodyBytes: 1 << 20, perHostIntervalMs: 0, retries: 2, maxRedirects: 5, log: silentLogger(), allowPrivateHosts: ['127.0.0.1'] });
}

async function deliveryError(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeliveryError) return err;
    throw err;
  }
  throw new Error('expected the send to fail');
}

/** A notice whose evidence carries hostile titles (markup, mentions, link syntax). */
const hostile = makeNotice({}, {
  evidence: [makeEvidence(1, { title: '<!channel> @everyone [點我](javascript:alert(1)) *粗體* 範例診所' }), makeEvidence(2, { url: 'javascript:alert(1)' }), makeEvidence(3)],
});

describe('chat and incident notifiers against a real local receiver', () => {
  const receiver = new WebhookReceiver();
  let notifiers: Record<string, Notifier>;

  beforeAll(async () => {
    await receiver.start();
    const base = receiver.url;
    const ctx = notifierContext(
      parseMainConfig({
        http: { userAgent: 'Yuqing-test/1' },
        channels: {
          slack: { room: { urlEnv: 'SLACK_URL', timeoutMs: 2_000 } },
          teams: { pr: { url: `${base}/teams` } },
          discord: { ops: { url: `${base}/discord?thread_id=5` } },
          line: { tokenEnv: 'LINE_TOKEN', apiBaseUrl: base.replace(/\/hook$/, '/line') },
          alertmanager: { oncall: { url: `${base}/am` } },
        },
      }),
      { env: { SLACK_URL: `${base}/slack/T000/B000/secret`, LINE_TOKEN: TOKEN }, http: realHttp() },
    );
    const registry = createNotifierRegistry(ctx);
    notifiers = Object.fromEntries(registry.entries());
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.deliveries.length = 0;
  });

  it('builds one notifier per configured channel from the registry', () => {
    expect(Object.keys(notifiers).sort()).toEqual(['alertmanager', 'discord', 'line', 'slack', 'teams']);
  });

  it('Slack: posts Block Kit with escaped text, http(s) links only, and the ack button; “ok” is delivered', async () => {
    receiver.script({ status: 200, body: 'ok' });
    await expect(notifiers.slack!.send(hostile, 'room')).resolves.toEqual({ detail: 'HTTP 200' });
    const [d] = receiver.deliveries;
    expect(d!.path).toBe('/hook/slack/T000/B000/secret');
    expect(d!.headers['x-yuqing-idempotency-key']).toBe(hostile.idempotencyKey);
    const msg = d!.json as SlackMessage;
    const all = JSON.stringify(msg);
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).not.toContain('<javascript:');
    expect(msg.text).toContain('【輿情警示 L3・新警示】範例診所');
    expect(msg.blocks.some((b) => b.type === 'actions' && JSON.stringify(b).includes(hostile.ackUrl!))).toBe(true);
    expect(all).toContain('<https://www.ptt.cc/bbs/facelift/M.170000003.A.html|');
  });

  it('Slack: a 200 that is not “ok” is a rejection, not retried; a URL from the environment is never shown', async () => {
    receiver.script({ status: 200, body: 'invalid_blocks' });
    const err = await deliveryError(notifiers.slack!.send(hostile, 'room'));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('invalid_blocks');
    receiver.script({ status: 404, body: 'no_service' });
    const gone = await deliveryError(notifiers.slack!.send(hostile, 'room'));
    expect(gone.retryable).toBe(false);
    expect(JSON.stringify(gone.toJSON())).not.toContain('secret');
  });

  it('Teams: posts an Adaptive Card 1.4 in a Workflows message, with the ack action; 202 is delivered', async () => {
    receiver.script(202);
    await notifiers.teams!.send(hostile, 'pr');
    const msg = receiver.deliveries[0]!.json as TeamsMessage;
    expect(msg.type).toBe('message');
    const card = msg.attachments[0]!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.content).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
    expect(JSON.stringify(card.content.actions)).toContain(hostile.ackUrl!);
    const samples = (card.content.body as Array<{ text?: string }>).map((b) => b.text ?? '').join('\n');
    // The hostile link syntax is escaped, so it stays text: no unescaped `](javascript:`.
    expect(samples).toContain('\\[點我\\](javascript:');
    expect(samples).not.toMatch(/(?<!\\)\]\(javascript:/);
  });

  it('Discord: waits for the message, pings nobody, escapes Markdown and keeps Discord’s limits', async () => {
    await notifiers.discord!.send(hostile, 'ops');
    const d = receiver.deliveries[0]!;
    expect(d.path).toBe('/hook/discord?thread_id=5&wait=true');
    const msg = d.json as DiscordMessage;
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    expect(msg.content.length).toBeLessThanOrEqual(2000);
    const embed = msg.embeds[0]! as { title: string; fields: Array<{ name: string; value: string }>; color: number };
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.color).toBe(0xb71c1c);
    for (const f of embed.fields) expect(f.value.length).toBeLessThanOrEqual(1024);
    const samples = embed.fields.find((f) => f.name === '代表性提及')!.value;
    expect(samples).toContain('\\[點我\\](javascript:');
    expect(samples).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(samples).toContain('\\<!channel\\>');
  });

  it('Discord: a 429 with Retry-After is retryable and passes the wait on', async () => {
    receiver.script({ status: 429, headers: { 'retry-after': '7', 'content-type': 'application/json' }, body: '{"retry_after":7,"global":false}' });
    const err = await deliveryError(notifiers.discord!.send(hostile, 'ops'));
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(7_000);
  });

  it('LINE: pushes one text message to the id with the bearer token and a retry key stable per delivery', async () => {
    await notifiers.line!.send(hostile, LINE_USER);
    const d = receiver.deliveries[0]!;
    expect(d.path).toBe('/line/v2/bot/message/push');
    expect(d.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(d.headers['x-line-retry-key']).toBe(lineRetryKey(hostile.idempotencyKey));
    expect(lineRetryKey(hostile.idempotencyKey)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const body = d.json as { to: string; messages: Array<{ type: string; text: string }> };
    expect(body.to).toBe(LINE_USER);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]!.text).toContain('【輿情警示 L3・新警示】');
    expect(body.messages[0]!.text).toContain(`確認收到：${hostile.ackUrl}`);
    expect(Array.from(body.messages[0]!.text).length).toBeLessThanOrEqual(5000);
  });

  it('LINE: 409 (an earlier attempt with this retry key was accepted) counts as delivered; 401 waits for a new token; 400 is final', async () => {
    receiver.script(409);
    await expect(notifiers.line!.send(hostile, LINE_USER)).resolves.toMatchObject({ detail: expect.stringContaining('409') });
    receiver.script(401);
    expect((await deliveryError(notifiers.line!.send(hostile, LINE_USER))).retryable).toBe(true);
    receiver.script({ status: 400, body: '{"message":"The property, \'to\', in the request body is invalid"}' });
    expect((await deliveryError(notifiers.line!.send(hostile, LINE_USER))).retryable).toBe(false);
    // The token never appears in an error.
    receiver.script(500);
    expect(JSON.stringify((await deliveryError(notifiers.line!.send(hostile, LINE_USER))).toJSON())).not.toContain(TOKEN);
  });

  it('Alertmanager: posts a version-4 payload, firing while open and resolved with endsAt once resolved', async () => {
    await notifiers.alertmanager!.send(hostile, 'oncall');
    const firing = receiver.deliveries[0]!.json as AlertmanagerPayload;
    expect(firing).toMatchObject({ version: '4', status: 'firing', receiver: 'oncall', truncatedAlerts: 0, groupKey: '{}:{alert_id="alert-example-clinic-1"}' });
    expect(firing.alerts[0]).toMatchObject({ status: 'firing', endsAt: '0001-01-01T00:00:00Z', generatorURL: hostile.ackUrl, labels: { alertname: 'YuqingCrisis', severity: 'critical', level: 'L3', rule: 'example-clinic', alert_id: 'alert-example-clinic-1' } });
    expect(firing.alerts[0]!.annotations.summary).toContain('【輿情警示 L3・新警示】');
    expect(firing.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);

    const resolvedAt = hostile.eventAt + 3_600_000;
    await notifiers.alertmanager!.send(makeNotice({ event: 'resolved', eventAt: resolvedAt }, { status: 'resolved', resolvedAt }), 'oncall');
    const resolved = receiver.deliveries[1]!.json as AlertmanagerPayload;
    expect(resolved.status).toBe('resolved');
    expect(resolved.alerts[0]).toMatchObject({ status: 'resolved', endsAt: new Date(resolvedAt).toISOString(), fingerprint: firing.alerts[0]!.fingerprint });
  });

  it('refuses an unknown target without sending anything', async () => {
    expect((await deliveryError(notifiers.teams!.send(hostile, 'nope'))).retryable).toBe(false);
    expect((await deliveryError(notifiers.line!.send(hostile, 'not-a-line-id'))).retryable).toBe(false);
    expect(receiver.deliveries).toHaveLength(0);
  });
});

describe('chat notifier set-up', () => {
  it('is absent when the channel is not configured', () => {
    const ctx = notifierContext(parseMainConfig({}));
    for (const kind of [slackNotifierKind, teamsNotifierKind, discordNotifierKind, lineNotifierKind, alertmanagerNotifierKind]) expect(kind.create(ctx)).toBeUndefined();
  });

  it('names the key when the LINE token or a Slack URL variable is missing, without any value', () => {
    const ctx = notifierContext(parseMainConfig({ channels: { line: { tokenEnv: 'NO_SUCH_TOKEN' }, slack: { room: { urlEnv: 'NO_SUCH_URL' } } } }));
    const line = (() => {
      try {
        lineNotifierKind.create(ctx);
      } catch (err) {
        return err;
      }
    })() as ConfigError;
    expect(line).toBeInstanceOf(ConfigError);
    expect(line.problems[0]).toMatchObject({ keyPath: 'channels.line.tokenEnv' });
    expect(() => slackNotifierKind.create(ctx)).toThrow(/NO_SUCH_URL/);
  });
});
