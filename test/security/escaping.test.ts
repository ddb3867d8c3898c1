import * as cheerio from 'cheerio';
import { buildAlertFacts } from '../../src/alerts/render/alert-facts';
import { renderAlertmanagerPayload } from '../../src/alerts/render/alertmanager-payload';
import { chatSummary, renderChatText } from '../../src/alerts/render/chat-text';
import { renderDiscordMessage } from '../../src/alerts/render/discord-message';
import { renderEmail } from '../../src/alerts/render/email';
import { renderSlackMessage } from '../../src/alerts/render/slack-message';
import { renderTeamsMessage } from '../../src/alerts/render/teams-card';
import { renderWebhookPayload } from '../../src/alerts/render/webhook-payload';
import type { AlertNotice } from '../../src/alerts/types';
import { EVENT_AT, makeEvidence, makeNotice } from '../helpers/alert-fixtures';

/**
 * Every string that comes from outside — titles, sites, connectors, URLs, terms, sources, a
 * source's last error, names — is hostile here at once, and every channel's rendering is checked
 * by parsing it the way its receiver does, not by looking for one escaped substring.
 */

const H = {
  script: '<script>alert(1)</script>',
  img: '<img src=x onerror=alert(2)>',
  attr: '"><svg onload=alert(3)>',
  slack: '<!channel> <@U012AB3CD> <https://evil.example|點我>',
  discord: '@everyone @here <@&123456>',
  md: '[點我](javascript:alert(4)) *粗體* `code`',
  crlf: '標題\r\nBcc: victim@example.com\r\n\r\n<b>注入</b>',
};
const ALL = Object.values(H).join(' ');

function hostileNotice(kind: 'crisis' | 'source'): AlertNotice {
  return makeNotice(
    {
      recipient: { id: 'pr-lead', name: `王經理${H.script}` },
      topTerms: [{ term: `醫療糾紛${H.img}`, count: 3 }],
      topSources: [{ site: `PTT${H.attr}`, count: 2 }],
      ackUrl: 'javascript:alert(5)',
    },
    {
      ruleName: `範例診所${H.crlf}`,
      evidence: [
        makeEvidence(1, { title: `範例診所 ${ALL}`, site: `站${H.script}`, connector: `c${H.attr}` }),
        makeEvidence(2, { url: 'javascript:alert(6)', title: H.md }),
        makeEvidence(3, { url: `https://news.example.tw/a?x="><script>alert(7)</script>`, title: H.slack }),
        makeEvidence(4, { url: 'data:text/html,<script>alert(8)</script>', title: H.discord }),
      ],
      ...(kind === 'source'
        ? { kind: 'source' as const, source: { connector: `ptt${H.img}`, problem: 'failing' as const, sinceMs: EVENT_AT - 7_200_000, thresholdMs: 3_600_000, consecutiveFailures: 9, lastErrorCode: 'E_FEED_PARSE', lastError: `無法解析 ${ALL}` } }
        : {}),
    },
  );
}

/** The texts Slack parses as mrkdwn: the notification `text` and every `{ type: 'mrkdwn', text }` (plain_text is shown as is). */
function mrkdwn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) mrkdwn(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
    for (const v of Object.values(o)) if (typeof v === 'object') mrkdwn(v, out);
  }
  return out;
}

/** Every string inside a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe.each(['crisis', 'source'] as const)('every channel escapes every outside string (%s alert)', (kind) => {
  const notice = hostileNotice(kind);
  const facts = buildAlertFacts(notice);

  it('e-mail HTML: no element, attribute or link comes from the outside text', () => {
    const { html } = renderEmail(notice);
    const $ = cheerio.load(html);
    expect($('script, iframe, object, embed, svg, img, form, input, base, meta[http-equiv]').length).toBe(0);
    $('*').each((_i, el) => {
      for (const [name, value] of Object.entries((el as unknown as { attribs: Record<string, string> }).attribs ?? {})) {
        expect(name.startsWith('on')).toBe(false);
        // A link's address may carry hostile text percent-encoded inside an http(s) URL; nothing else may.
        if (name === 'href') expect(value).toMatch(/^(https?:\/\/|mailto:)[^\s"'<>]*$/);
        else expect(value).not.toMatch(/alert\(|javascript:|data:/i);
      }
    });
    // The hostile text is still there, as text a reader can see.
    expect($.root().text()).toContain('<script>alert(1)</script>');
    expect($.root().text()).toContain('onerror=alert(2)');
    expect($.root().text()).toContain('<b>注入</b>');
  });

  it('e-mail subject and text: one line of subject, no header can be injected', () => {
    const { subject, text } = renderEmail(notice);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(text.split('\n').some((line) => /^Bcc:/i.test(line))).toBe(false);
  });

  it('Slack: the only angle brackets left are our own links, so no @channel, user mention or forged link', () => {
    const msg = renderSlackMessage(facts);
    const parsed = [msg.text, ...mrkdwn(msg.blocks)];
    expect(parsed.length).toBeGreaterThan(4);
    for (const s of parsed) {
      for (const m of s.matchAll(/<([^>]*)>/g)) expect(m[1]).toMatch(/^https?:\/\/[^|<>]+(\|[^<>]*)?$/);
      expect(s).not.toMatch(/<!channel>|<@U/);
    }
    expect(JSON.stringify(msg)).toContain('&lt;!channel&gt;');
  });

  it('Discord: mentions are never parsed and the link syntax stays text', () => {
    const msg = renderDiscordMessage(facts, new Date(EVENT_AT).toISOString());
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    for (const s of strings(msg)) expect(s).not.toMatch(/(?<!\\)\]\((javascript|data):/);
  });

  it('Teams: the Markdown link syntax stays text', () => {
    const card = renderTeamsMessage(facts);
    for (const s of strings(card)) expect(s).not.toMatch(/(?<!\\)\]\((javascript|data):/);
  });

  it('LINE (plain text): nothing is interpreted, and the length limit holds', () => {
    const text = renderChatText(chatSummary(facts));
    expect(text.length).toBeLessThanOrEqual(5000);
    expect(text).not.toMatch(/\r/);
  });

  it('webhook and Alertmanager JSON: well-formed, outside strings kept exactly as data for the receiver to escape', () => {
    const payload = renderWebhookPayload(notice);
    const round = strings(JSON.parse(JSON.stringify(payload)) as unknown).join('\n');
    // Not HTML-escaped (the receiver escapes for its own medium; escaping here would show &lt; to its users).
    expect(round).toContain('<script>alert(1)</script>');
    expect(round).toContain('[點我](javascript:alert(4))');
    const am = renderAlertmanagerPayload(notice, facts, 'oncall');
    expect(() => JSON.parse(JSON.stringify(am)) as unknown).not.toThrow();
    // URLs that are not http(s) are never offered as links.
    expect(strings(am).some((s) => /^(javascript|data):/i.test(s) && !s.includes(' '))).toBe(false);
  });
});
