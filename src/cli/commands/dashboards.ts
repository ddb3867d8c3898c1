import { resolve } from 'node:path';
import { HttpError, UsageError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { DEFAULT_NDJSON, DEFAULT_STABLE_IDS, readIndexTargets, readSavedObjects, readStableIds } from '../../dashboards/bundle';
import { checkDashboards, type CheckReport } from '../../dashboards/check';
import { enableCrossIndexFilters, importSavedObjects, KIBANA_ENV, kibanaAuthFromEnv, withIndexPrefix, type ImportReport } from '../../dashboards/kibana-import';
import { createHttpClient } from '../../http/client';
import type { HttpClient } from '../../http/types';
import { INDEX_PREFIX_PATTERN } from '../../store/elasticsearch/index-names';
import type { Output } from '../output';

/** `yuqing dashboards check` options. */
export interface DashboardsCheckOptions {
  /** NDJSON to check (default: the shipped dashboards/yuqing.ndjson). */
  file?: string;
  /** Folder with mentions-template.json and alerts-template.json (default: the committed mappings). */
  mappings?: string;
  /** Stable-id list (default: dashboards/stable-ids.json). */
  stableIds?: string;
}

function printCheck(report: CheckReport, out: Output): void {
  for (const p of report.problems) out.err(`  ✘ ${p.object}${p.field ? ` 欄位 ${p.field}` : ''}：${p.message}`);
}

function runCheck(opts: DashboardsCheckOptions): { report: CheckReport; file: string } {
  const file = resolve(opts.file ?? DEFAULT_NDJSON);
  const objects = readSavedObjects(file);
  const report = checkDashboards({ objects, targets: readIndexTargets(opts.mappings ? resolve(opts.mappings) : undefined), stableIds: readStableIds(resolve(opts.stableIds ?? DEFAULT_STABLE_IDS)) });
  return { report, file };
}

/**
 * `yuqing dashboards check`: every field the saved objects use exists in the committed mappings
 * with a fitting type, every reference resolves, ids are stable (see src/dashboards/check.ts).
 * @returns 0 when clean, 1 with one line per problem (object and field named)
 */
export function dashboardsCheckCommand(opts: DashboardsCheckOptions, out: Output): number {
  const { report, file } = runCheck(opts);
  if (report.problems.length > 0) {
    out.err(`✘ ${file}：${report.problems.length} 個問題 (problems found)`);
    printCheck(report, out);
    return 1;
  }
  out.out(`✔ ${file}：${report.objects} 個物件、${report.fieldReferences} 個欄位引用、${report.references} 個物件參照都對得上對應與彼此，id 穩定 (all fields mapped, references resolve, ids stable)`);
  return 0;
}

/** `yuqing dashboards import` options. */
export interface DashboardsImportOptions {
  kibana: string;
  space?: string;
  overwrite?: boolean;
  file?: string;
  /** Index prefix the data views should read (`elasticsearch.indexPrefix`), default `yuqing`. */
  indexPrefix?: string;
  /** Also set `courier:ignoreFilterIfFieldNotInIndex` in the space. */
  crossIndexFilters?: boolean;
  apiKeyEnv?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  timeoutMs?: number;
}

/**
 * The client the import uses: our one HTTP client, no politeness gap, no retries (POST), no
 * redirects. Kibana usually sits on loopback or the office network; the operator named it on the
 * command line, so its host (and only it) passes the address guard.
 */
function importClient(kibanaUrl: string): HttpClient {
  const host = URL.canParse(kibanaUrl) ? new URL(kibanaUrl).hostname : undefined;
  return createHttpClient({ userAgent: 'Yuqing/0.1 (dashboards import)', timeoutMs: 60_000, maxBodyBytes: 16 * 1024 * 1024, perHostIntervalMs: 0, retries: 0, maxRedirects: 0, log: silentLogger(), allowPrivateHosts: host ? [host] : [] });
}

const STATUS_HINT: Record<number, string> = {
  400: 'Kibana 拒絕了請求內容',
  401: '未通過驗證：請檢查 API key 或帳號密碼的環境變數',
  403: '權限不足：此帳號需要「Saved Objects Management」與資料檢視的寫入權限',
  404: '找不到：Kibana 網址或 space 不存在',
  413: '檔案太大：請調高 Kibana 的 savedObjects.maxImportPayloadBytes',
};

function describeHttpError(err: HttpError): string {
  const snippet = typeof err.context.bodySnippet === 'string' ? `（${err.context.bodySnippet.slice(0, 300)}）` : '';
  if (err.status !== undefined) return `Kibana 回應 HTTP ${err.status}：${STATUS_HINT[err.status] ?? '非預期的狀態'}${snippet} [${err.code}]`;
  return `無法連線到 Kibana：${err.message} [${err.code}]`;
}

function printReport(report: ImportReport, overwrite: boolean, out: Output): void {
  const line = (o: { type: string; id: string; title: string }): string => `${o.type}/${o.id}${o.title ? `「${o.title}」` : ''}`;
  if (report.created.length > 0) out.out(`✔ 新建立 (created) ${report.created.length}：`);
  for (const o of report.created) out.out(`  + ${line(o)}`);
  if (report.replaced.length > 0) out.out(`↻ 已取代 (replaced) ${report.replaced.length}：`);
  for (const o of report.replaced) out.out(`  ~ ${line(o)}`);
  if (report.failed.length > 0) out.err(`✘ 未匯入 (failed) ${report.failed.length}：`);
  for (const f of report.failed) {
    const hint = f.reason === 'conflict' && !overwrite ? '已存在；加上 --overwrite 取代' : f.message ?? '';
    out.err(`  ✘ ${line(f)}：${f.reason}${hint ? ` — ${hint}` : ''}`);
  }
}

/**
 * `yuqing dashboards import --kibana URL`: check the bundle, then send it to Kibana's saved-objects
 * import API and print what was created, replaced or refused.
 * @returns 0 when every object was imported; 1 when the check failed, Kibana refused the request or any object
 */
export async function dashboardsImportCommand(opts: DashboardsImportOptions, out: Output, deps: { env?: Record<string, string | undefined>; http?: HttpClient } = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const prefix = opts.indexPrefix ?? 'yuqing';
  if (!INDEX_PREFIX_PATTERN.test(prefix)) throw new UsageError(`--index-prefix 無效：${prefix}（小寫英數字、_、-）`);
  const auth = kibanaAuthFromEnv(env, { apiKey: opts.apiKeyEnv ?? KIBANA_ENV.apiKey, username: opts.usernameEnv ?? KIBANA_ENV.username, password: opts.passwordEnv ?? KIBANA_ENV.password });
  const { report: check, file } = runCheck({ ...(opts.file ? { file: opts.file } : {}) });
  if (check.problems.length > 0) {
    out.err(`✘ ${file} 未通過檢查，不匯入 (the bundle fails the check; nothing imported)：`);
    printCheck(check, out);
    return 1;
  }
  const objects = withIndexPrefix(readSavedObjects(file), prefix);
  const http = deps.http ?? importClient(opts.kibana);
  const target = `${opts.kibana}${opts.space && opts.space !== 'default' ? `（space ${opts.space}）` : ''}`;
  out.out(`→ 匯入 ${objects.length} 個物件到 ${target}${opts.overwrite ? '，取代已存在者' : ''}；驗證：${auth.kind === 'api-key' ? 'API key' : auth.kind === 'basic' ? '帳號密碼' : '無'} …`);
  const base = { http, kibanaUrl: opts.kibana, auth, ...(opts.space ? { space: opts.space } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
  let report: ImportReport;
  try {
    report = await importSavedObjects({ ...base, overwrite: Boolean(opts.overwrite), objects });
    if (opts.crossIndexFilters) {
      await enableCrossIndexFilters(base);
      out.out('✔ 已開啟進階設定 courier:ignoreFilterIfFieldNotInIndex（篩選只作用在有該欄位的面板）');
    }
  } catch (err) {
    if (err instanceof HttpError) {
      out.err(`✘ ${describeHttpError(err)}`);
      return 1;
    }
    throw err;
  }
  printReport(report, Boolean(opts.overwrite), out);
  if (!report.success) {
    out.err('✘ 匯入未完成 (import incomplete)');
    return 1;
  }
  out.out(`✔ 匯入完成：新建立 ${report.created.length}、取代 ${report.replaced.length}。在 Kibana 開啟「儀表板」→「輿情總覽」或「事件調查」。`);
  return 0;
}
