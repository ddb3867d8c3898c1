import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LEXICON_FILE, loadConnectorFile, loadMainConfig, loadRuleFile } from '../../config/load';
import { mainConfigSchema, type MainConfig } from '../../config/main-schema';
import { builtinRegistry } from '../../connectors/builtin';
import { systemClock, type Clock } from '../../core/clock';
import { ConfigError, errorCode, errorMessage, formatProblem, HttpError } from '../../core/errors';
import { createLogger, type Logger } from '../../core/logger';
import type { HttpClientOptions } from '../../http/client';
import { httpClientFromConfig } from '../../pipeline/http-setup';
import { loadLexicon } from '../../text/lexicon';
import { createScorer, type Scorer } from '../../text/scorer';
import { redactMention } from '../../text/redact-personal-data';
import { toMention } from '../../text/to-mention';
import type { Output } from '../output';

/** Exit codes of `yuqing connectors test`. */
export const CONNECTORS_TEST_EXIT = { ok: 0, config: 1, failed: 3 } as const;

export interface ConnectorsTestOptions {
  /** Overrides of the HTTP client (tests: a MockAgent, no waiting). */
  http?: Partial<HttpClientOptions>;
  clock?: Clock;
  log?: Logger;
}

/**
 * `yuqing connectors test FILE`: run one connector file once, exactly as the daemon would (same
 * HTTP manners, robots.txt included), and print what it would ingest as NDJSON on stdout — one
 * `{"type":"mention",…}` line per item (the normalised mention, its matched rules and sentiment
 * when the rule files load, and `wouldStore`), `{"type":"warning"}` / `{"type":"skipped"}` lines
 * for items left out, and `{"type":"error"}` when the source fails. Nothing is stored: no state
 * file is opened, no validators are used or saved. Exit 0 when the source answered, 3 when it
 * failed, 1 when a file is invalid.
 */
export async function connectorsTestCommand(file: string, configPath: string, out: Output, options: ConnectorsTestOptions = {}): Promise<number> {
  const line = (o: Record<string, unknown>): void => out.out(JSON.stringify(o));
  const configFile = resolve(configPath);
  let main: MainConfig;
  let connector;
  try {
    main = existsSync(configFile) ? loadMainConfig(configFile) : mainConfigSchema.parse({});
    connector = loadConnectorFile(resolve(file), builtinRegistry);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.err('✘ 設定有誤 (invalid configuration):');
    for (const p of err.problems) out.err(`  ${formatProblem(p)}`);
    return CONNECTORS_TEST_EXIT.config;
  }
  const scorer = rulesScorer(configFile, main, out);
  const log = options.log ?? createLogger({ fd: 2, level: process.env.YUQING_LOG_LEVEL ?? 'warn' });
  const clock = options.clock ?? systemClock;
  const http = httpClientFromConfig(main.http, { log, now: () => clock.now(), ...(options.http ? { overrides: options.http } : {}) });
  const c = connector.config;
  const source = { connector: c.id, sourceType: c.sourceType ?? connector.kind.sourceType, ...(c.site ? { site: c.site } : {}) };
  if (!c.enabled) out.err(`注意：${c.id} 設定為 enabled: false，常駐服務不會執行它；以下仍照常測試 (disabled in its file; testing anyway)`);

  let result;
  try {
    result = await connector.kind.create(connector.options, { id: c.id }).poll({ id: c.id, http, log: log.child({ component: 'connector', connector: c.id }), clock });
  } catch (err) {
    line({ type: 'error', connector: c.id, code: errorCode(err), message: errorMessage(err), ...(err instanceof HttpError ? { url: err.url, status: err.status ?? null } : {}), blocked: errorCode(err) === 'E_HTTP_BLOCKED' });
    out.err(`✘ ${c.id}：來源失敗 [${errorCode(err)}] ${errorMessage(err)}`);
    return CONNECTORS_TEST_EXIT.failed;
  }

  const now = clock.now();
  let matched = 0;
  for (const item of result.items) {
    let mention;
    try {
      // Shown as it would be stored: with personal data redacted when the main config says so.
      mention = redactMention(toMention(item, source, now), main.privacy.redact);
    } catch (err) {
      line({ type: 'skipped', connector: c.id, url: item.url, code: errorCode(err), message: errorMessage(err) });
      continue;
    }
    const scoring = scorer?.score(mention);
    const hits = scoring?.rules.length ?? 0;
    if (hits > 0) matched++;
    line({ type: 'mention', wouldStore: scoring ? hits > 0 || main.storage.keepUnmatched : null, excerpt: item.partial === true, ...mention, ...scoring });
  }
  for (const w of result.warnings) line({ type: 'warning', connector: c.id, message: w });
  out.err(
    `✔ ${c.id}：${result.notModified ? '沒有更新 (304)' : `取得 ${result.items.length} 則`}${scorer ? `，符合規則 ${matched} 則` : ''}，警告 ${result.warnings.length} 則（未儲存任何資料 nothing stored）`,
  );
  return CONNECTORS_TEST_EXIT.ok;
}

/** A scorer over the project's rule files, or undefined (with a note) when they cannot be loaded. */
function rulesScorer(configFile: string, main: MainConfig, out: Output): Scorer | undefined {
  const rulesDir = resolve(dirname(configFile), main.paths.rules);
  try {
    const files = existsSync(rulesDir) ? readdirSync(rulesDir).filter((f) => /\.ya?ml$/i.test(f)) : [];
    if (files.length === 0) {
      out.err(`注意：${rulesDir} 沒有規則檔，只列出項目、不評分 (no rule files; items are not scored)`);
      return undefined;
    }
    const rules = files.map((f) => loadRuleFile(join(rulesDir, f)).config);
    return createScorer({ rules, lexicon: loadLexicon(join(rulesDir, LEXICON_FILE)) });
  } catch (err) {
    out.err(`注意：規則檔無法載入，只列出項目、不評分 (rules not loaded: ${errorMessage(err)})`);
    return undefined;
  }
}
