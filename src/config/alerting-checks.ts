import type { MainConfig } from './main-schema';
import type { RuleFile } from './rule-schema';

/**
 * Cross-key checks of the alerting settings that one schema cannot express: names that must exist
 * elsewhere (channels, recipients, topics). The loader turns each finding into a problem with the
 * file, key path and line, so `yuqing validate` lists them with everything else.
 */

/** One finding: where (key path inside the file) and what, in zh-TW with English in parentheses. */
export interface Finding {
  keyPath: Array<string | number>;
  message: string;
}

const CHAT_CHANNELS = ['slack', 'teams', 'discord', 'alertmanager'] as const;

/** Recipients' chat targets must name configured channels; LINE ids need `channels.line`. */
export function checkRecipientChannels(main: MainConfig): Finding[] {
  const out: Finding[] = [];
  for (const [name, r] of Object.entries(main.recipients)) {
    for (const channel of CHAT_CHANNELS) {
      (r[channel] ?? []).forEach((target, i) => {
        if (!main.channels[channel][target]) out.push({ keyPath: ['recipients', name, channel, i], message: `${channel}「${target}」未在 channels.${channel} 中定義 (unknown ${channel} channel)` });
      });
    }
    if ((r.line ?? []).length > 0 && !main.channels.line) out.push({ keyPath: ['recipients', name, 'line'], message: '有 LINE 收件對象，但未設定 channels.line (no LINE channel configured)' });
  }
  for (const [i, name] of main.detection.sources.notify.entries()) {
    if (!main.recipients[name]) out.push({ keyPath: ['detection', 'sources', 'notify', i], message: unknownRecipient(name, main) });
  }
  for (const [i, name] of (main.detection.sources.escalate?.notify ?? []).entries()) {
    if (!main.recipients[name]) out.push({ keyPath: ['detection', 'sources', 'escalate', 'notify', i], message: unknownRecipient(name, main) });
  }
  return out;
}

function unknownRecipient(name: string, main: MainConfig): string {
  return `收件人「${name}」未在主設定檔 recipients 中定義 (unknown recipient; known: ${Object.keys(main.recipients).join(', ') || '無'})`;
}

/**
 * A rule's `escalate`, `weeklyHotspot` and their recipients: recipients must exist (when the set is
 * given), hot-spot topics must be the rule's, and a hot-spot needs someone to tell (its own
 * `notify`, or its level's).
 */
export function checkRuleAlerting(rule: RuleFile, recipients?: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const known = (name: string): boolean => !recipients || recipients.has(name);
  const unknown = (name: string): string => `收件人「${name}」未在主設定檔 recipients 中定義 (unknown recipient; known: ${[...(recipients ?? [])].join(', ') || '無'})`;
  rule.escalate?.notify.forEach((r, i) => {
    if (!known(r)) out.push({ keyPath: ['escalate', 'notify', i], message: unknown(r) });
  });
  const hs = rule.weeklyHotspot;
  if (hs) {
    const topics = Object.keys(rule.topics);
    const named = hs.topic === 'any' ? [] : Array.isArray(hs.topic) ? hs.topic : [hs.topic];
    named.forEach((t, i) => {
      if (!topics.includes(t)) {
        const keyPath = Array.isArray(hs.topic) ? ['weeklyHotspot', 'topic', i] : ['weeklyHotspot', 'topic'];
        out.push({ keyPath, message: `此規則沒有議題「${t}」(unknown topic; 此規則的議題：${topics.join('、') || '無'})` });
      }
    });
    if (hs.topic === 'any' && topics.length === 0) out.push({ keyPath: ['weeklyHotspot', 'topic'], message: '此規則沒有定義任何議題 (topics)，週報熱點無從計算 (no topics to count)' });
    hs.notify?.forEach((r, i) => {
      if (!known(r)) out.push({ keyPath: ['weeklyHotspot', 'notify', i], message: unknown(r) });
    });
    if (!hs.notify && !rule.levels[hs.level]) {
      out.push({ keyPath: ['weeklyHotspot'], message: `週報熱點的等級 ${hs.level} 未在 levels 中定義，請加上 notify 指定收件人 (set notify, or define levels.${hs.level})` });
    }
  }
  return out;
}

/** Environment variables the alerting settings name (chat URLs, the LINE token, the ack-link key), for `yuqing validate`'s warnings. */
export function alertingEnvNames(main: MainConfig): string[] {
  const names: string[] = [];
  for (const channel of CHAT_CHANNELS) for (const e of Object.values(main.channels[channel])) if (e.urlEnv) names.push(e.urlEnv);
  if (main.channels.line) names.push(main.channels.line.tokenEnv);
  if (main.server.ackLinks) names.push(main.server.ackLinks.secretEnv);
  return names;
}
