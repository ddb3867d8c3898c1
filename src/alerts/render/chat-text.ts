import type { AlertFacts } from './alert-facts';
import { oneLine } from './format';

/**
 * The short form of an alert for chat channels (LINE, and the plain-text part of Slack, Discord
 * and Teams): the email's facts, most urgent first, in a few lines a phone shows whole. Plain text;
 * each channel escapes what its own markup needs.
 */

/** The facts a chat message shows, as plain one-line strings (unescaped). */
export interface ChatSummary {
  subject: string;
  headline: string;
  action: string;
  /** `原因：…` — the condition in words (crises and hot-spots). */
  reason?: string;
  /** `聲量：1 小時內 12 則（基準 2.5、4.8 倍）；負面 8/12（67%）` (crises and hot-spots). */
  volume?: string;
  /** `風險主題：醫療糾紛 5、服務客訴 2`. */
  topics?: string;
  /** `熱門詞：退費 9、毀容 5` — the words matched most in the window (crises and hot-spots, when any). */
  hot?: string;
  /** `上升詞：毀容 5、退費 3` — words of the titles that rose against the baseline (crises, when any did). */
  rising?: string;
  /** `來源狀態：…` (source alerts). */
  source?: string;
  /** `回應期限 11/21 14:20（尚餘 15 分）`, `處理期限 …`. */
  deadlines: string[];
  samples: Array<{ title: string; site: string; url: string | undefined }>;
  ackUrl: string | undefined;
  /** `警示編號 … ・規則 example-clinic@3f9a0c2b7d1e`. */
  footer: string;
}

/** Build the chat summary of one notice's facts. `maxSamples` caps the mentions listed (default 3). */
export function chatSummary(f: AlertFacts, maxSamples = 3): ChatSummary {
  const s: ChatSummary = {
    subject: f.subject,
    headline: f.headline,
    action: f.event.action,
    deadlines: f.deadlines.map((d) => `${d.label} ${d.at}（${d.state}）`),
    samples: f.samples.slice(0, maxSamples).map((x) => ({ title: x.title, site: x.site, url: x.url })),
    ackUrl: f.ackUrl,
    footer: `警示編號 ${f.footer.alertId}・規則 ${f.rule.id}@${f.rule.version}`,
  };
  if (f.source) {
    s.source = `來源狀態：${f.source.problem}，自 ${f.source.since}（門檻 ${f.source.threshold}）${f.source.lastError ? `；最後錯誤：${oneLine(f.source.lastError, 200)}` : ''}`;
  } else {
    s.reason = `原因：${f.reason.words}`;
    s.volume = `聲量：${f.volume.windowLength}內 ${f.volume.mentions} 則（基準 ${f.volume.baseline}、${f.volume.spikeRatio}）；負面 ${f.negative.count}/${f.negative.total}（${f.negative.share}）`;
    if (f.riskTopics.length) s.topics = `風險主題：${f.riskTopics.map((t) => `${t.name} ${t.count}`).join('、')}`;
    if (f.topTerms.length) s.hot = `熱門詞：${f.topTerms.map((t) => `${t.term} ${t.count}`).join('、')}`;
    if (f.risingTerms?.length) s.rising = `上升詞：${f.risingTerms.map((t) => `${t.term} ${t.count}`).join('、')}`;
  }
  return s;
}

/** The summary's fact lines in the order every channel shows them, each `名稱：內容`. */
export function chatFacts(s: ChatSummary): string[] {
  return [s.reason, s.volume, s.topics, s.hot, s.rising, s.source].filter((x): x is string => Boolean(x));
}

/**
 * The summary as plain text, cut to `maxChars` (LINE allows 5000 per message, Discord 2000):
 * the subject, headline, action and deadlines always fit; samples go first when space runs out.
 */
export function renderChatText(s: ChatSummary, maxChars = 5000): string {
  const head = [s.subject, '', s.headline, s.action, '', ...s.deadlines];
  if (s.ackUrl) head.push(`確認收到：${s.ackUrl}`);
  const body = chatFacts(s);
  const samples = s.samples.map((x, i) => `${i + 1}. ${x.title}（${x.site}）${x.url ? `\n   ${x.url}` : ''}`);
  const parts = [head.join('\n'), body.join('\n'), samples.length ? `代表性提及：\n${samples.join('\n')}` : '', s.footer].filter(Boolean);
  let text = parts.join('\n\n');
  // Drop samples one by one, then the body, before ever cutting the head.
  while (text.length > maxChars && samples.length > 0) {
    samples.pop();
    text = [head.join('\n'), body.join('\n'), samples.length ? `代表性提及：\n${samples.join('\n')}` : '', s.footer].filter(Boolean).join('\n\n');
  }
  if (text.length > maxChars) text = [head.join('\n'), s.footer].join('\n\n');
  return Array.from(text).length > maxChars ? `${Array.from(text).slice(0, maxChars - 1).join('')}…` : text;
}
