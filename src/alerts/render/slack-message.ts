import type { AlertFacts } from './alert-facts';
import { chatFacts, chatSummary } from './chat-text';
import { oneLine } from './format';

/**
 * A Slack incoming-webhook message (`{ text, blocks }`, Block Kit). `text` is the notification
 * line phones and screen readers show; blocks carry the summary with links and an ack button.
 *
 * Slack reads `&`, `<` and `>` as markup (`<!channel>` pings everyone, `<url|text>` is a link), so
 * every outside string is escaped and URLs inside links have `|` and `>` percent-encoded.
 */
export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** Escape text for Slack mrkdwn (the three characters Slack documents). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safeUrl}|${escapeSlack(label)}>`;
}

/** Section text is capped at 3000 characters by Slack. */
const SECTION_MAX = 3000;
const cap = (s: string): string => (Array.from(s).length > SECTION_MAX ? `${Array.from(s).slice(0, SECTION_MAX - 1).join('')}…` : s);

/** Render one notice's facts as a Slack message. */
export function renderSlackMessage(f: AlertFacts): SlackMessage {
  const s = chatSummary(f, 5);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: oneLine(s.subject, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: cap(`*${escapeSlack(s.headline)}*\n${escapeSlack(s.action)}`) } },
    { type: 'section', text: { type: 'mrkdwn', text: cap(s.deadlines.map((d) => `• ${escapeSlack(d)}`).join('\n')) } },
  ];
  const facts = chatFacts(s);
  if (facts.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cap(facts.map(escapeSlack).join('\n')) } });
  if (s.samples.length) {
    const lines = s.samples.map((x, i) => `${i + 1}. ${x.url ? slackLink(x.url, x.title) : escapeSlack(x.title)}（${escapeSlack(x.site)}）`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cap(`*代表性提及*\n${lines.join('\n')}`) } });
  }
  if (s.ackUrl) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: '確認收到 (Acknowledge)' }, url: s.ackUrl, style: 'danger' }] });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(s.footer) }] });
  return { text: escapeSlack(`${s.subject} ${s.headline}`), blocks };
}
