import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EVENT_LABEL } from '../../alerts/render/vocabulary';
import { LEXICON_FILE, loadMainConfig, loadRuleFile, type LoadedRule } from '../../config/load';
import { parseDurationMs } from '../../core/duration';
import { ConfigError, formatProblem, UsageError } from '../../core/errors';
import { formatDurationZh } from '../../core/duration';
import { DEFAULT_TIME_ZONE, formatLocal, isValidTimeZone } from '../../core/time';
import { backtestGrid, runBacktest, type BacktestAlert, type BacktestResult } from '../../pipeline/backtest-engine';
import { loadMentions, readNdjson, type LoadSummary } from '../../pipeline/backtest-mentions';
import { MemoryDetectionData } from '../../pipeline/memory-detection-data';
import { openStateStore } from '../../store/state-store';
import { systemClock } from '../../core/clock';
import { loadLexicon } from '../../text/lexicon';
import { createScorer } from '../../text/scorer';
import type { Output } from '../output';

/** The package root (works from src/ under ts-jest and tsx, and from dist/). */
const PACKAGE_ROOT = resolve(__dirname, '..', '..', '..');

/** Options of `yuqing backtest`. */
export interface BacktestCommandOptions {
  /** The rule file under test. */
  rules: string;
  /** NDJSON mentions (see src/pipeline/backtest-mentions.ts). */
  mentions?: string;
  /** Read the mentions the daemon stored in SQLite instead (`--config` names the project). */
  fromStore?: boolean;
  /** ISO 8601 start/end of the replay (default: the first mention / the last one plus cooldown and window). */
  from?: string;
  to?: string;
  /** Evaluation step, e.g. `1m` (default the rule's bucket). */
  step?: string;
  json?: boolean;
  /** Sentiment lexicon (default `lexicons/sentiment.zh-TW.yaml` beside the rule file, else the bundled one). */
  lexicon?: string;
  /** Zone for hours of day, weeks and printed times (default the config's `timeZone`, else Asia/Taipei). */
  timeZone?: string;
}

/** The JSON shape of `yuqing backtest --json`. Times are ISO 8601 (UTC). */
export interface BacktestReport {
  rule: { id: string; name: string; version: string; file: string };
  from: string;
  to: string;
  stepMs: number;
  timeZone: string;
  mentions: LoadSummary;
  evaluations: number;
  elapsedMs: number;
  alerts: Array<Omit<BacktestAlert, 'openedAt' | 'resolvedAt' | 'events'> & { openedAt: string; resolvedAt: string | null; events: Array<Record<string, unknown>> }>;
}

/**
 * `yuqing backtest --rules FILE (--mentions FILE.ndjson | --from-store)`: replay history through the
 * rule with the daemon's own detector and print the alerts it would have fired, with times and
 * levels, as text (default) or JSON (`--json`). Exit 0 on success; 1 on a bad rule file (every
 * problem listed) and on bad usage or input (a UsageError naming the file and line).
 */
export async function backtestCommand(configPath: string, opts: BacktestCommandOptions, out: Output): Promise<number> {
  const started = Date.now();
  let rule: LoadedRule;
  try {
    rule = loadRuleFile(resolve(opts.rules));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.err('✘ 規則檔有誤 (invalid rule file):');
    for (const p of err.problems) out.err(`  ${formatProblem(p)}`);
    return 1;
  }
  if (!opts.mentions === !opts.fromStore) throw new UsageError('請擇一指定 --mentions FILE.ndjson 或 --from-store (give exactly one of --mentions, --from-store)');
  const configFile = resolve(configPath);
  const main = existsSync(configFile) ? tryMain(configFile) : undefined;
  if (existsSync(configFile) && !main && !opts.timeZone) out.err(`⚠ 主設定檔 ${configFile} 有誤，時區改用 ${DEFAULT_TIME_ZONE}（npx yuqing validate 可查看）(invalid main config; using the default time zone)`);
  const timeZone = opts.timeZone ?? main?.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) throw new UsageError(`未知的時區「${timeZone}」(unknown time zone)`);
  const stepMs = opts.step ? parseDurationMs(opts.step) : rule.config.volume.bucket;
  if (!stepMs) throw new UsageError(`--step「${opts.step}」不是時間長度，例如 1m、15m (not a duration)`);

  const lexiconPath = opts.lexicon ? resolve(opts.lexicon) : [join(dirname(resolve(opts.rules)), LEXICON_FILE), join(PACKAGE_ROOT, 'rules', LEXICON_FILE)].find((p) => existsSync(p))!;
  const scorer = createScorer({ rules: [rule.config], lexicon: loadLexicon(lexiconPath) });
  const data = new MemoryDetectionData();
  let summary: LoadSummary;
  if (opts.mentions) {
    const path = resolve(opts.mentions);
    if (!existsSync(path)) throw new UsageError(`找不到檔案 ${path} (no such file)`);
    summary = await loadMentions(readNdjson(path), scorer, rule.config.id, data);
  } else {
    if (!main) throw new UsageError(`--from-store 需要有效的主設定檔：${configFile} (a valid main config is needed)`);
    const store = openStateStore({ path: resolve(dirname(configFile), main.storage.sqlitePath), clock: systemClock, storeMentionDocuments: true });
    try {
      summary = await loadMentions(storeRecords(store.mentions.documents()), scorer, rule.config.id, data);
    } finally {
      store.close();
    }
  }

  const span = data.span();
  const timeOf = (text: string, flag: string): number => {
    const ms = Date.parse(text);
    if (!Number.isFinite(ms)) throw new UsageError(`${flag}「${text}」不是 ISO 8601 時間 (not an ISO 8601 time)`);
    return ms;
  };
  const fromMs = opts.from ? timeOf(opts.from, '--from') : span ? Math.floor(span.minMs / stepMs) * stepMs : started;
  const toMs = opts.to ? timeOf(opts.to, '--to') : span ? span.maxMs + rule.config.cooldown + rule.config.volume.window + stepMs : fromMs;
  data.seal(fromMs, backtestGrid(rule, fromMs, toMs, stepMs));
  const result = runBacktest({ rule, data, fromMs, toMs, stepMs, timeZone });
  const elapsedMs = Date.now() - started;

  if (opts.json) {
    out.out(JSON.stringify(report(rule, result, summary, { fromMs, toMs, stepMs, timeZone, elapsedMs }), null, 2));
  } else {
    printText(out, rule, result, summary, { fromMs, toMs, stepMs, timeZone, elapsedMs });
  }
  return 0;
}

function tryMain(file: string): ReturnType<typeof loadMainConfig> | undefined {
  try {
    return loadMainConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) return undefined;
    throw err;
  }
}

async function* storeRecords(docs: Iterable<unknown>): AsyncGenerator<{ value: unknown; where: string }> {
  let n = 0;
  for (const value of docs) yield { value, where: `state#${++n}` };
}

interface RunInfo {
  fromMs: number;
  toMs: number;
  stepMs: number;
  timeZone: string;
  elapsedMs: number;
}

function report(rule: LoadedRule, r: BacktestResult, mentions: LoadSummary, info: RunInfo): BacktestReport {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    rule: { id: rule.config.id, name: rule.config.name, version: rule.version, file: rule.file },
    from: iso(info.fromMs),
    to: iso(info.toMs),
    stepMs: info.stepMs,
    timeZone: info.timeZone,
    mentions,
    evaluations: r.evaluations,
    elapsedMs: info.elapsedMs,
    alerts: r.alerts.map((a) => ({ ...a, openedAt: iso(a.openedAt), resolvedAt: a.resolvedAt === undefined ? null : iso(a.resolvedAt), events: a.events.map((e) => ({ ...e, at: iso(e.at) })) })),
  };
}

const KIND_ZH = { crisis: '危機', hotspot: '週報熱點', source: '來源' } as const;
const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function printText(out: Output, rule: LoadedRule, r: BacktestResult, m: LoadSummary, info: RunInfo): void {
  const tz = info.timeZone;
  out.out(`回測 ${rule.config.id}（${rule.config.name}，版本 ${rule.version}）：${formatLocal(info.fromMs, tz)} → ${formatLocal(info.toMs, tz)}，每 ${formatDurationZh(info.stepMs)}評估一次（${tz}）`);
  out.out(`讀入 ${m.read} 則，符合規則 ${m.matched} 則，重複 ${m.duplicates} 則；評估 ${r.evaluations} 次，耗時 ${(info.elapsedMs / 1000).toFixed(1)} 秒`);
  if (r.alerts.length === 0) {
    out.out('這段期間規則不會發出任何警示 (no alerts would have fired)');
    return;
  }
  out.out(`會發出 ${r.alerts.length} 則警示 (alerts that would have fired)：`);
  for (const a of r.alerts) {
    const end = a.resolvedAt === undefined ? '期間結束時仍未解除' : `${formatLocal(a.resolvedAt, tz)} 解除（歷時 ${formatDurationZh(a.resolvedAt - a.openedAt)}）`;
    out.out(`\n  ${a.id}  ${KIND_ZH[a.kind]}  最高 ${a.peakLevel}  ${formatLocal(a.openedAt, tz)} 開始 → ${end}`);
    for (const e of a.events) {
      const level = e.fromLevel && e.toLevel ? `${e.fromLevel}→${e.toLevel}` : (e.toLevel ?? '');
      const label = EVENT_LABEL[e.type as keyof typeof EVENT_LABEL] ?? e.type;
      const why = e.condition ? `  ${e.condition}` : '';
      out.out(`    ${formatLocal(e.at, tz)}  ${label}${level ? ` ${level}` : ''}${why}  （提及 ${e.mentions}，基準 ${num(e.baseline)}，倍數 ${num(e.spikeRatio)}，z ${num(e.zScore)}）`);
    }
  }
}
