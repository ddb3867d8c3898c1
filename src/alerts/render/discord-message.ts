import type { CrisisLevel } from '../../core/types';
import type { AlertFacts } from './alert-facts';
import { chatFacts, chatSummary } from './chat-text';

/**
 * A Discord webhook message: the subject as `content` and one embed with the facts. Discord's
 * limits are kept (content 2000, title 256, description 4096, field value 1024, 25 fields, 6000
 * characters across the embed), outside text has Markdown escaped, and `allowed_mentions` parses
 * nothing, so a mention title containing `@everyone` cannot ping a channel.
 */
export interface DiscordMessage {
  content: string;
  embeds: Array<Record<string, unknown>>;
  allowed_mentions: { parse: [] };
}

const LEVEL_COLOR: Record<CrisisLevel, number> = { L3: 0xb71c1c, L2: 0xe65100, L1: 0xf9a825 };
const RESOLVED_COLOR = 0x2e7d32;

/** Escape Discord Markdown (and the `<` that starts mention syntax; pings are off anyway). */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>[\]<]/g, (c) => `\\${c}`);
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** Render one notice's facts as a Discord webhook message. `eventAtIso` is the embed's timestamp. */
export function renderDiscordMessage(f: AlertFacts, eventAtIso: string): DiscordMessage {
  const s = chatSummary(f, 5);
  const fields: Array<{ name: string; value: string; inline?: boolean }> = [
    { name: '等級', value: cut(`${f.level.code} ${f.level.name}`, 1024), inline: true },
    { name: '狀態', value: cut(escapeDiscord(f.status.label), 1024), inline: true },
    ...f.deadlines.map((d) => ({ name: d.label, value: cut(escapeDiscord(`${d.at}（${d.state}）`), 1024), inline: true })),
  ];
  for (const fact of chatFacts(s)) {
    // Each fact is `名稱：內容`: the name becomes the field's name.
    const at = fact.indexOf('：');
    fields.push({ name: fact.slice(0, at), value: cut(escapeDiscord(fact.slice(at + 1)), 1024) });
  }
  if (s.samples.length) {
    const lines: string[] = [];
    for (const [i, x] of s.samples.entries()) {
      const line = `${i + 1}. ${x.url ? `[${escapeDiscord(cut(x.title, 80))}](${x.url})` : escapeDiscord(x.title)}（${escapeDiscord(x.site)}）`;
      if ([...lines, line].join('\n').length > 1024) break;
      lines.push(line);
    }
    if (lines.length) fields.push({ name: '代表性提及', value: lines.join('\n') });
  }
  if (s.ackUrl) fields.push({ name: '確認收到 (Acknowledge)', value: cut(s.ackUrl, 1024) });
  const embed = {
    title: cut(escapeDiscord(s.headline), 256),
    description: cut(escapeDiscord(s.action), 4096),
    color: f.status.code === 'resolved' ? RESOLVED_COLOR : LEVEL_COLOR[f.level.code],
    timestamp: eventAtIso,
    fields: fields.slice(0, 25),
    footer: { text: cut(s.footer, 2048) },
    ...(s.ackUrl ? { url: s.ackUrl } : {}),
  };
  // The whole embed must stay within 6000 characters: drop fields from the end if it does not.
  const size = (): number => embed.title.length + embed.description.length + embed.footer.text.length + embed.fields.reduce((n, x) => n + x.name.length + x.value.length, 0);
  while (size() > 6000 && embed.fields.length > 4) embed.fields.pop();
  return { content: cut(escapeDiscord(s.subject), 2000), embeds: [embed], allowed_mentions: { parse: [] } };
}
