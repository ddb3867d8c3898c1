import type { AlertFacts } from './alert-facts';
import { chatFacts, chatSummary } from './chat-text';

/**
 * A Microsoft Teams message for a Workflows ("Post to a channel when a webhook request is
 * received") URL: one Adaptive Card, version 1.4 (Workflows do not take the retired MessageCard
 * format). Text blocks use Teams' small Markdown subset, so outside text has `[`, `]`, `*`, `_` and
 * backslashes escaped; links are only built from http(s) URLs the facts checked.
 */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: Record<string, unknown> }>;
}

/** Escape the Markdown characters Teams' TextBlock interprets. */
export function escapeTeams(text: string): string {
  return text.replace(/[\\[\]*_`~]/g, (c) => `\\${c}`);
}

/** Render one notice's facts as a Teams Workflows message with an Adaptive Card. */
export function renderTeamsMessage(f: AlertFacts): TeamsMessage {
  const s = chatSummary(f, 5);
  const color = f.status.code === 'resolved' ? 'Good' : f.level.code === 'L3' ? 'Attention' : 'Warning';
  const body: Array<Record<string, unknown>> = [
    { type: 'TextBlock', text: escapeTeams(s.subject), weight: 'Bolder', size: 'Medium', wrap: true, color },
    { type: 'TextBlock', text: escapeTeams(s.headline), wrap: true },
    { type: 'TextBlock', text: escapeTeams(s.action), wrap: true, isSubtle: true },
    {
      type: 'FactSet',
      facts: [
        { title: '等級', value: `${f.level.code} ${f.level.name}` },
        { title: '狀態', value: escapeTeams(f.status.label + (f.status.detail ? `，${f.status.detail}` : '')) },
        ...f.deadlines.map((d) => ({ title: d.label, value: escapeTeams(`${d.at}（${d.state}）`) })),
      ],
    },
  ];
  const facts = chatFacts(s);
  if (facts.length) body.push({ type: 'TextBlock', text: facts.map(escapeTeams).join('\n\n'), wrap: true });
  if (s.samples.length) {
    body.push({ type: 'TextBlock', text: '代表性提及', weight: 'Bolder', wrap: true });
    body.push({ type: 'TextBlock', text: s.samples.map((x, i) => `${i + 1}. ${x.url ? `[${escapeTeams(x.title)}](${x.url})` : escapeTeams(x.title)}（${escapeTeams(x.site)}）`).join('\n\n'), wrap: true });
  }
  body.push({ type: 'TextBlock', text: escapeTeams(s.footer), size: 'Small', isSubtle: true, wrap: true });
  const actions: Array<Record<string, unknown>> = [];
  if (s.ackUrl) actions.push({ type: 'Action.OpenUrl', title: '確認收到 (Acknowledge)', url: s.ackUrl });
  const first = s.samples.find((x) => x.url);
  if (first?.url) actions.push({ type: 'Action.OpenUrl', title: '開啟原文', url: first.url });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, ...(actions.length ? { actions } : {}) },
      },
    ],
  };
}
