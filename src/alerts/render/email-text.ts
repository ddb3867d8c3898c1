import { risingText, type AlertFacts } from './alert-facts';
import { RISING_TERMS_LABEL } from './vocabulary';

/**
 * The plain-text part of an alert email: the same facts as the HTML part, readable in any client
 * and on a phone lock screen (most urgent lines first). Lines are joined with `\n`.
 */
export function renderEmailText(f: AlertFacts): string {
  const lines: string[] = [];
  const section = (title: string): void => {
    lines.push('', `■ ${title}`);
  };

  lines.push(f.greeting, '', f.headline, f.event.action);

  section(`期限（剩餘時間以 ${f.asOf} 計）`);
  for (const d of f.deadlines) lines.push(`  ${d.label}：${d.at}（${d.state}）`);
  if (f.ackUrl) lines.push(`  確認收到（Acknowledge）：${f.ackUrl}`);

  section('等級與狀態');
  lines.push(`  等級：${f.level.code} ${f.level.name}（最高曾達 ${f.level.peak}）`);
  lines.push(`  意義：${f.level.meaning}`);
  lines.push(`  狀態：${f.status.label}${f.status.detail ? `，${f.status.detail}` : ''}`);
  lines.push(`  事件：${f.event.label}（${f.event.at}）`);

  if (f.source) {
    section('來源狀態');
    lines.push(`  來源：${f.source.connector}`);
    lines.push(`  狀況：${f.source.problem}，自 ${f.source.since} 起（門檻 ${f.source.threshold}）`);
    if (f.source.failures > 0) lines.push(`  連續失敗：${f.source.failures} 次${f.source.lastErrorCode ? `，最後錯誤代碼 ${f.source.lastErrorCode}` : ''}`);
    if (f.source.lastError) lines.push(`  最後錯誤：${f.source.lastError}`);
    return finish(lines, f);
  }

  section('觸發原因');
  lines.push(`  條件：${f.reason.words}`);
  lines.push(`  原文：${f.reason.written}`);

  section('聲量');
  if (f.hotspot) lines.push(`  本週（${f.hotspot.weekStart} 起）「${f.hotspot.topic}」提及 ${f.hotspot.count} 則，超過門檻 ${f.hotspot.moreThan} 則`);
  lines.push(`  觀察窗口：${f.volume.window}（${f.volume.windowLength}）`);
  lines.push(`  窗口內提及：${f.volume.mentions} 則；基準：${f.volume.baseline} 則；倍數：${f.volume.spikeRatio}`);
  lines.push(`  負面：${f.negative.count} / ${f.negative.total} 則（${f.negative.share}）`);

  section('風險主題');
  if (f.riskTopics.length === 0) lines.push('  （窗口內未命中風險主題）');
  for (const t of f.riskTopics) lines.push(`  - ${t.name}（${t.id}，${t.riskLabel}）：${t.count} 則`);
  lines.push(`  熱門詞：${f.topTerms.length ? f.topTerms.map((t) => `${t.term} ×${t.count}`).join('、') : '（無）'}`);
  if (f.risingTerms) lines.push(`  ${RISING_TERMS_LABEL}：${risingText(f.risingTerms)}`);
  lines.push(`  主要來源：${f.topSources.length ? f.topSources.map((s) => `${s.site} ×${s.count}`).join('、') : '（無）'}`);

  section(`代表性提及（列出 ${f.samples.length} 則）`);
  if (f.samples.length === 0) lines.push('  （無）');
  f.samples.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.title}`);
    const topics = s.topics.length ? `｜主題：${s.topics.join('、')}` : '';
    lines.push(`     來源：${s.site}｜時間：${s.publishedAt}｜情緒：${s.sentimentLabel}${topics}`);
    lines.push(`     ${s.url ?? `${s.rawUrl}（非 http(s) 連結，未開啟）`}`);
  });

  section('證據清單（Evidence）');
  if (f.evidence.length === 0) lines.push('  （無）');
  f.evidence.forEach((e, i) => {
    lines.push(`  ${i + 1}. 提及編號：${e.mentionId}`);
    lines.push(`     網址：${e.url ?? e.rawUrl}`);
    lines.push(`     內容 SHA-256：${e.contentSha256}`);
    lines.push(`     擷取時間：${e.fetchedAt}（${e.fetchedAtIso}）`);
  });
  if (f.evidenceOmitted > 0) lines.push(`  （另有 ${f.evidenceOmitted} 筆未列出，完整清單保存在系統中）`);

  return finish(lines, f);
}

/** The footer, and the lines joined. */
function finish(lines: string[], f: AlertFacts): string {
  lines.push('', '-- ');
  lines.push(`規則：${f.rule.id}（${f.rule.name}）・版本 ${f.rule.version}`);
  lines.push(`警示編號：${f.footer.alertId}`);
  lines.push(`冪等鍵（Idempotency key）：${f.footer.idempotencyKey}`);
  lines.push(`時間皆以 ${f.footer.timeZone} 顯示。此信由 Yuqing 輿情監測自動發送。`);
  return lines.join('\n') + '\n';
}
