import { Command, CommanderError } from 'commander';
import { builtinRegistry } from '../connectors/builtin';
import { UsageError, YuqingError } from '../core/errors';
import { connectorsTestCommand } from './commands/connectors-test';
import { alertsAckCommand, alertsKpiCommand, alertsListCommand, alertsShowCommand } from './commands/alerts';
import { backtestCommand, type BacktestCommandOptions } from './commands/backtest';
import { backtestSeriesCommand, type BacktestSeriesOptions } from './commands/backtest-series';
import { dashboardsCheckCommand, dashboardsImportCommand, type DashboardsCheckOptions, type DashboardsImportOptions } from './commands/dashboards';
import { demoCommand } from './commands/demo';
import { esSetupCommand } from './commands/es-setup';
import { explainCommand, type ExplainOptions } from './commands/explain';
import { esRequeueCommand, esStatusCommand } from './commands/es-status';
import { onceCommand } from './commands/once';
import { runCommand } from './commands/run';
import { scoreCommand, type ScoreOptions } from './commands/score';
import { statusCommand } from './commands/status';
import { validateCommand } from './commands/validate';
import { processOutput, type Output } from './output';
import { DEFAULT_CONFIG, loadProjectOrReport } from './project';

/**
 * The `yuqing` command line. Returns the exit code instead of exiting, so tests can call it.
 * Commands that need a valid configuration load it first and exit 1 with every problem listed.
 */
export async function main(argv: string[], out: Output = processOutput): Promise<number> {
  let code = 0;
  const program = new Command('yuqing')
    .description('輿情 Yuqing：社群聆聽與危機警示 (social listening and crisis alerts)')
    .option('-c, --config <file>', `主設定檔 (main config file)`, DEFAULT_CONFIG)
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.out(s), writeErr: (s) => out.err(s) });
  const config = (): string => program.opts<{ config: string }>().config;

  program
    .command('validate')
    .description('檢查主設定檔、所有連接器與規則檔 (check every config file)')
    .action(() => {
      code = validateCommand(config(), out);
    });
  program
    .command('run')
    .description('啟動常駐服務 (run the daemon)')
    .action(async () => {
      code = await runCommand(config(), out);
    });
  program
    .command('once')
    .description('執行一輪：抓取所有來源、偵測、寄送，然後結束 (one cycle, then exit; exit 3 if something failed)')
    .action(async () => {
      code = await onceCommand(config(), out);
    });
  program
    .command('demo')
    .description('內建示範：模擬一場醫療糾紛危機，從來源到警示信 (the bundled end-to-end demo)')
    .option('--data <dir>', '保留示範的狀態檔於此資料夾 (keep the demo state here)')
    .option('--verbose', '顯示服務日誌 (show daemon logs on stderr)')
    .option('--elasticsearch <url>', '同時寫入此 Elasticsearch，可在 Kibana 瀏覽 (also index into this Elasticsearch node)')
    .action(async (opts: { data?: string; verbose?: boolean; elasticsearch?: string }) => {
      code = await demoCommand(opts, out);
    });
  program
    .command('status')
    .description('來源健康、寄送佇列與未解除的警示 (source health, outbox, open alerts)')
    .action(() => {
      const project = loadProjectOrReport(config(), out);
      code = project ? statusCommand(project, out) : 1;
    });

  const alerts = program.command('alerts').description('警示 (alerts)');
  alerts
    .command('list')
    .description('未解除的警示 (open alerts)')
    .option('--all', '包含已解除 (include resolved)')
    .action((opts: { all?: boolean }) => {
      const project = loadProjectOrReport(config(), out);
      code = project ? alertsListCommand(project, Boolean(opts.all), out) : 1;
    });
  alerts
    .command('show <id>')
    .description('一則警示的完整內容 (one alert in full)')
    .action((id: string) => {
      const project = loadProjectOrReport(config(), out);
      code = project ? alertsShowCommand(project, id, out) : 1;
    });
  alerts
    .command('ack <id>')
    .description('確認（認領）警示 (acknowledge an alert)')
    .requiredOption('--by <name>', '確認者 (who)')
    .option('--note <text>', '備註 (note)')
    .action((id: string, opts: { by: string; note?: string }) => {
      const project = loadProjectOrReport(config(), out);
      code = project ? alertsAckCommand(project, id, opts.by, opts.note, out) : 1;
    });
  alerts
    .command('kpi')
    .description('回應 KPI：確認與解除所需時間、期限內比例 (response KPIs)')
    .option('--days <n>', '最近幾天 (last N days)', '30')
    .option('--json', '輸出 JSON (JSON output)')
    .action((opts: { days: string; json?: boolean }) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 1) throw new UsageError(`--days 必須是正整數 (got ${opts.days})`);
      const project = loadProjectOrReport(config(), out);
      code = project ? alertsKpiCommand(project, days, Boolean(opts.json), out) : 1;
    });

  program
    .command('backtest')
    .description('以歷史提及回測規則檔：列出會發出的警示（時間與等級） (replay history through a rule file)')
    .requiredOption('--rules <file>', '要測試的規則檔 (rule file)')
    .option('--mentions <file>', '提及 NDJSON（每行一則：publishedAt、title／body…） (mentions, NDJSON)')
    .option('--from-store', '改用 --config 專案 SQLite 中保存的提及 (use the mentions the daemon stored)')
    .option('--from <iso>', '回測起點（預設：第一則提及） (start)')
    .option('--to <iso>', '回測終點（預設：最後一則提及加冷卻期） (end)')
    .option('--step <duration>', '評估間隔，例如 1m（預設：規則的 bucket） (evaluation step)')
    .option('--lexicon <file>', '情緒詞典檔 (sentiment lexicon file)')
    .option('--time-zone <tz>', '時區（預設：主設定檔，否則 Asia/Taipei） (time zone)')
    .option('--json', '輸出 JSON (JSON output)')
    .action(async (opts: BacktestCommandOptions) => {
      code = await backtestCommand(config(), opts, out);
    });
  program
    .command('backtest-series <file>')
    .description('對一般時間序列（CSV：timestamp,value）逐列計算 anomaly_score 與 alert，只用當列與之前的資料 (online anomaly scores for a series)')
    .option('--out <file>', '寫入檔案而非標準輸出 (output file)')
    .option('--baseline <duration>', '基準期（預設 14d） (baseline period)')
    .option('--warmup-points <n>', '開始評分前需要的列數（預設 24） (rows before scoring)')
    .option('--threshold <score>', '達到此分數即 alert=1（預設 0.997） (alert threshold)')
    .option('--min-value <n>', '數值至少為此才 alert (minimum value to alert)')
    .option('--seasonality <mode>', 'auto（預設，依時段／星期）或 off (time-of-day awareness)')
    .option('--time-zone <tz>', '沒有時區的時間所用的時區（預設 Asia/Taipei） (time zone)')
    .action(async (file: string, opts: BacktestSeriesOptions) => {
      code = await backtestSeriesCommand(file, opts, out);
    });

  const es = program.command('es').description('Elasticsearch 提及索引 (the mention index)');
  es.command('setup')
    .description('建立或更新索引範本與對應，列出變更 (create or upgrade templates and mappings)')
    .action(async () => {
      const project = loadProjectOrReport(config(), out);
      code = project ? await esSetupCommand(project, out) : 1;
    });
  es.command('status')
    .description('節點狀態、索引佇列、遭拒文件 (node, spool, dead letters)')
    .action(async () => {
      const project = loadProjectOrReport(config(), out);
      code = project ? await esStatusCommand(project, out) : 1;
    });
  es.command('requeue [ids...]')
    .description('把遭拒文件放回索引佇列 (requeue dead letters: all, or by id)')
    .action((ids: string[]) => {
      const bad = ids.filter((x) => !/^\d+$/.test(x));
      if (bad.length > 0) throw new UsageError(`無效的編號 (not dead-letter ids): ${bad.join(', ')}`);
      const project = loadProjectOrReport(config(), out);
      code = project ? esRequeueCommand(project, ids.map(Number), out) : 1;
    });

  const dashboards = program.command('dashboards').description('Kibana 儀表板 (Kibana saved objects in dashboards/)');
  dashboards
    .command('check')
    .description('檢查儀表板引用的每個欄位都在索引對應中且型別相符、物件參照都存在、id 穩定 (check fields, references, ids)')
    .option('--file <ndjson>', '要檢查的 NDJSON（預設為內附的 dashboards/yuqing.ndjson） (saved objects file)')
    .option('--mappings <dir>', '含 mentions-template.json 與 alerts-template.json 的資料夾（預設為已提交的對應） (mappings folder)')
    .option('--stable-ids <file>', '穩定 id 清單（預設 dashboards/stable-ids.json） (stable ids list)')
    .action((opts: DashboardsCheckOptions) => {
      code = dashboardsCheckCommand(opts, out);
    });
  dashboards
    .command('import')
    .description('經由 Kibana 的 saved objects 匯入 API 匯入儀表板 (import through the saved objects API)')
    .requiredOption('--kibana <url>', 'Kibana 網址，例如 http://127.0.0.1:5601 (Kibana URL)')
    .option('--space <id>', 'Kibana space（預設 default） (space id)')
    .option('--overwrite', '取代已存在的同 id 物件 (replace existing objects)')
    .option('--file <ndjson>', '要匯入的 NDJSON（預設為內附的） (saved objects file)')
    .option('--index-prefix <prefix>', '索引前綴，與主設定檔 elasticsearch.indexPrefix 相同（預設 yuqing） (index prefix)')
    .option('--cross-index-filters', '同時開啟 courier:ignoreFilterIfFieldNotInIndex：等級／來源種類篩選不清空另一種資料的面板 (set that advanced setting)')
    .option('--api-key-env <name>', `API key 的環境變數（預設 YUQING_KIBANA_API_KEY） (API key variable)`)
    .option('--username-env <name>', `帳號的環境變數（預設 YUQING_KIBANA_USERNAME） (username variable)`)
    .option('--password-env <name>', `密碼的環境變數（預設 YUQING_KIBANA_PASSWORD） (password variable)`)
    .action(async (opts: DashboardsImportOptions) => {
      code = await dashboardsImportCommand(opts, out);
    });

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  program
    .command('explain <text>')
    .description('說明一段文字符合哪些規則、為什麼不符合，以及情緒分數的來由 (explain matching and sentiment for a text)')
    .option('--rules <file>', '只用這個規則檔（可重複）；預設為 --config 專案的全部規則 (rule file, repeatable)', collect)
    .option('--lexicon <file>', '情緒詞典檔 (sentiment lexicon file)')
    .option('--title <title>', '標題，讓 title:／body: 查詢可以區分 (title, for title:/body: queries)')
    .option('--lang <lang>', '指定語言 zh／en／other，預設自動判斷 (language; detected by default)')
    .option('--color', '以顏色標示（預設：輸出到終端機時） (mark spans with colours)')
    .option('--no-color', '以括號標示 (mark spans with brackets)')
    .action((text: string, opts: ExplainOptions) => {
      code = explainCommand(config(), text, { ...opts, color: opts.color ?? Boolean(process.stdout.isTTY) }, out);
    });
  program
    .command('score')
    .description('從標準輸入讀 NDJSON（或每行一段文字），輸出每則的規則、議題與情緒 NDJSON (score NDJSON from stdin)')
    .option('--rules <file>', '只用這個規則檔（可重複） (rule file, repeatable)', collect)
    .option('--lexicon <file>', '情緒詞典檔 (sentiment lexicon file)')
    .option('--text', '每行都當作純文字 (every line is plain text)')
    .option('--lang <lang>', '指定語言 zh／en／other (language)')
    .action(async (opts: ScoreOptions) => {
      code = await scoreCommand(config(), opts, process.stdin, out);
    });

  const connectors = program.command('connectors').description('連接器 (connectors)');
  connectors
    .command('kinds')
    .description('列出可用的連接器種類 (list connector kinds)')
    .action(() => {
      for (const k of builtinRegistry.list()) out.out(`${k.kind}\t${k.sourceType}\t${k.description}`);
    });
  connectors
    .command('test <file>')
    .description('執行一個連接器檔一次，以 NDJSON 印出會收進的項目（不儲存）(run one connector file once; print NDJSON, store nothing)')
    .action(async (file: string) => {
      code = await connectorsTestCommand(file, config(), out);
    });

  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof YuqingError) {
      out.err(`✘ [${err.code}] ${err.message}`);
      return 1;
    }
    throw err;
  }
}
