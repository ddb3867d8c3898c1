import { ConfigError, formatProblem } from '../../core/errors';
import { alertingEnvNames } from '../../config/alerting-checks';
import { loadProject, type Project } from '../../config/load';
import { builtinRegistry } from '../../connectors/builtin';
import { isLoopbackHost, writeTokenFromEnv } from '../../server/write-token';
import type { Output } from '../output';

/** Warnings about the HTTP server's write token (src/server/write-token.ts), when it will refuse writes. */
export function writeTokenWarnings(project: Project, env: NodeJS.ProcessEnv = process.env): string[] {
  const s = project.main.server;
  if (!s.enabled) return [];
  const token = writeTokenFromEnv(s.writeTokenEnv, env);
  if (token.problem) return [`${token.problem}：寫入請求（狀態頁的確認按鈕）會一律被拒絕 (writes will be refused)`];
  if (!s.writeTokenEnv && !isLoopbackHost(s.host)) return [`服務聽在 ${s.host}（非本機位址）但未設定 server.writeTokenEnv：寫入請求（狀態頁的確認按鈕）會一律被拒絕；確認連結不受影響 (no write token on a non-loopback address)`];
  return [];
}

/** Environment variables the config names but the environment does not set (secrets, webhook URLs). */
export function missingEnv(project: Project, env: NodeJS.ProcessEnv = process.env): string[] {
  const names: string[] = [];
  const smtp = project.main.channels.email?.smtp;
  if (smtp?.userEnv) names.push(smtp.userEnv);
  if (smtp?.passwordEnv) names.push(smtp.passwordEnv);
  for (const w of Object.values(project.main.channels.webhooks)) {
    if (w.urlEnv) names.push(w.urlEnv);
    if (w.secretEnv) names.push(w.secretEnv);
  }
  names.push(...alertingEnvNames(project.main));
  return [...new Set(names)].filter((n) => !env[n]);
}

/**
 * `yuqing validate`: check the main config, every connector file and every rule file.
 * Prints every problem as `file:line:column 鍵 key：message` and returns 1 if there is any.
 */
export function validateCommand(configPath: string, out: Output): number {
  let project: Project;
  try {
    project = loadProject(configPath, builtinRegistry);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.err(`✘ 設定檢查失敗，共 ${err.problems.length} 個問題 (validation failed, ${err.problems.length} problem(s))：`);
    for (const p of err.problems) out.err(`  ${formatProblem(p)}`);
    return 1;
  }
  out.out(`✔ 主設定檔 ${project.configFile}`);
  for (const r of project.rules) {
    const levels = (['L3', 'L2', 'L1'] as const).filter((l) => r.config.levels[l]).join('/');
    out.out(`✔ 規則 ${r.file}：${r.config.name}（${r.config.id}，${Object.keys(r.config.topics).length} 個議題，等級 ${levels}，版本 ${r.version}）`);
  }
  for (const c of project.connectors) {
    out.out(`✔ 連接器 ${c.file}：${c.config.id}（${c.config.kind}${c.config.enabled ? '' : '，已停用'}，排程 ${c.config.schedule}）`);
  }
  out.out(`✔ 情緒詞典 ${project.paths.lexicon}`);
  for (const name of missingEnv(project)) out.err(`⚠ 環境變數 ${name} 未設定：用到它的通道在設定前無法送出，通知會留在佇列中重試 (env var not set)`);
  for (const w of writeTokenWarnings(project)) out.err(`⚠ ${w}`);
  out.out(`全部通過：${project.rules.length} 個規則檔、${project.connectors.length} 個連接器 (all valid)`);
  return 0;
}
