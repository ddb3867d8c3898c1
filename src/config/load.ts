import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, ExpressionError, YuqingError, type ConfigErrorCode, type ConfigProblem } from '../core/errors';
import type { ConnectorKind } from '../connectors/define';
import { compileLevels, type CompiledLevels } from '../crisis/grade';
import { loadLexicon, type Lexicon } from '../text/lexicon';
import { connectorFileSchema, type ConnectorFile } from './connector-schema';
import { checkRecipientChannels, checkRuleAlerting } from './alerting-checks';
import { mainConfigSchema, type MainConfig } from './main-schema';
import { ruleFileSchema, type RuleFile } from './rule-schema';
import { ruleTextProblems } from './rule-text-check';
import { formatKeyPath, locate, readYamlFile, validateYaml, type YamlFile } from './yaml-file';

/** The connector kinds the loader can check options against. */
export interface KindLookup {
  has(kind: string): boolean;
  get(kind: string): ConnectorKind;
  list(): ConnectorKind[];
}

export interface LoadedRule {
  file: string;
  config: RuleFile;
  /** First 12 hex of the sha256 of the file's text: which version of the rule graded an alert. */
  version: string;
  levels: CompiledLevels;
}

export interface LoadedConnector {
  file: string;
  config: ConnectorFile;
  kind: ConnectorKind;
  /** Options after the kind's schema (defaults applied). */
  options: unknown;
}

/** Everything the daemon runs from: the main config and every connector and rule file, validated. */
export interface Project {
  configFile: string;
  main: MainConfig;
  connectors: LoadedConnector[];
  rules: LoadedRule[];
  lexicon: Lexicon;
  /** Absolute paths resolved against the main config's folder. */
  paths: { sqlite: string; connectors: string; rules: string; lexicon: string };
}

/** Where the shared lexicons live inside the rules folder. */
export const LEXICON_FILE = join('lexicons', 'sentiment.zh-TW.yaml');

function yamlFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Collects problems from many files; the first error's code becomes the code of the combined error. */
class ProblemList {
  readonly problems: ConfigProblem[] = [];
  private code: ConfigErrorCode | undefined;

  add(code: ConfigErrorCode, ...problems: ConfigProblem[]): void {
    this.code ??= code;
    this.problems.push(...problems);
  }

  /** Record a thrown ConfigError; rethrow anything else. */
  addError(err: unknown): void {
    if (!(err instanceof ConfigError)) throw err;
    this.add(err.code, ...err.problems);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.code ?? 'E_CONFIG_SCHEMA', this.problems);
  }
}

/** Validate the main config file alone. @throws ConfigError */
export function loadMainConfig(path: string): MainConfig {
  return validateYaml(readYamlFile(path), mainConfigSchema);
}

/**
 * Validate one rule file: YAML, schema, and every level condition (compiled with the rule's topics).
 * `recipients`, when given, are the names a level may notify.
 * @throws ConfigError naming the file, key path and line of every problem.
 */
export function loadRuleFile(path: string, recipients?: ReadonlySet<string>): LoadedRule {
  const file = readYamlFile(path);
  const config = validateYaml(file, ruleFileSchema);
  const problems = new ProblemList();
  let levels: CompiledLevels | undefined;
  try {
    levels = compileLevels(config);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    problems.add('E_CONFIG_SCHEMA', expressionProblem(file, err));
  }
  for (const p of ruleTextProblems(file, config)) problems.add('E_CONFIG_SCHEMA', p);
  if (recipients) {
    for (const name of ['L1', 'L2', 'L3'] as const) {
      config.levels[name]?.notify.forEach((r, i) => {
        if (!recipients.has(r)) problems.add('E_CONFIG_REF', at(file, ['levels', name, 'notify', i], `收件人「${r}」未在主設定檔 recipients 中定義 (unknown recipient; known: ${[...recipients].join(', ') || '無'})`));
      });
    }
  }
  for (const f of checkRuleAlerting(config, recipients)) problems.add('E_CONFIG_REF', at(file, f.keyPath, f.message));
  problems.throwIfAny();
  return { file: file.displayPath, config, version: versionOf(file.text), levels: levels! };
}

/** Validate one connector file, including its kind's options. @throws ConfigError */
export function loadConnectorFile(path: string, kinds: KindLookup): LoadedConnector {
  const file = readYamlFile(path);
  const config = validateYaml(file, connectorFileSchema);
  if (!kinds.has(config.kind)) {
    throw new ConfigError('E_CONFIG_SCHEMA', [
      at(file, ['kind'], `未知的連接器種類「${config.kind}」(unknown connector kind; 可用：${kinds.list().map((k) => k.kind).join(', ')})`),
    ]);
  }
  const kind = kinds.get(config.kind);
  const options = validateYaml(file, kind.optionsSchema, config.options, ['options']);
  return { file: file.displayPath, config, kind, options };
}

function at(file: YamlFile, keyPath: Array<string | number>, message: string): ConfigProblem {
  const pos = locate(file, keyPath);
  return { file: file.displayPath, keyPath: formatKeyPath(keyPath), line: pos?.line, column: pos?.column, message };
}

function expressionProblem(file: YamlFile, err: ExpressionError): ConfigProblem {
  const level = String(err.context.level ?? '');
  const keyPath = ['levels', level, 'when'];
  const pos = locate(file, keyPath);
  // Point at the offending token when the condition is written on one line after `when:`.
  const node = file.doc.getIn(keyPath, true) as { type?: string; range?: [number, number, number] } | undefined;
  const quote = node?.type === 'QUOTE_DOUBLE' || node?.type === 'QUOTE_SINGLE' ? 1 : 0;
  const column = pos && node?.type !== 'BLOCK_LITERAL' && node?.type !== 'BLOCK_FOLDED' ? pos.column + quote + err.offset : pos?.column;
  return { file: file.displayPath, keyPath: formatKeyPath(keyPath), line: pos?.line, column, message: `條件式錯誤：${err.message}` };
}

/**
 * Load and check the whole project from the main config file: every problem in every file is
 * collected, so `yuqing validate` can list them all at once.
 * @throws ConfigError with all problems when any file is invalid.
 */
export function loadProject(configPath: string, kinds: KindLookup): Project {
  const configFile = resolve(configPath);
  const baseDir = dirname(configFile);
  const main = loadMainConfig(configFile);
  const problems = new ProblemList();
  const paths = {
    sqlite: resolve(baseDir, main.storage.sqlitePath),
    connectors: resolve(baseDir, main.paths.connectors),
    rules: resolve(baseDir, main.paths.rules),
    lexicon: resolve(baseDir, main.paths.rules, LEXICON_FILE),
  };

  // Recipients must name channels that exist.
  const mainFile = readYamlFile(configFile);
  for (const [name, r] of Object.entries(main.recipients)) {
    r.webhooks.forEach((w, i) => {
      if (!main.channels.webhooks[w]) problems.add('E_CONFIG_REF', at(mainFile, ['recipients', name, 'webhooks', i], `webhook「${w}」未在 channels.webhooks 中定義 (unknown webhook)`));
    });
    if (r.email.length > 0 && !main.channels.email) problems.add('E_CONFIG_REF', at(mainFile, ['recipients', name, 'email'], '有 email 收件人，但未設定 channels.email (no email channel configured)'));
  }
  for (const f of checkRecipientChannels(main)) problems.add('E_CONFIG_REF', at(mainFile, f.keyPath, f.message));

  const recipients = new Set(Object.keys(main.recipients));
  const rules: LoadedRule[] = [];
  const ruleIds = new Map<string, string>();
  const ruleFiles = yamlFilesIn(paths.rules);
  if (ruleFiles.length === 0) problems.add('E_CONFIG_IO', { file: paths.rules, message: '找不到任何規則檔 (no rule files *.yaml)' });
  for (const path of ruleFiles) {
    try {
      const rule = loadRuleFile(path, recipients);
      const dup = ruleIds.get(rule.config.id);
      if (dup) problems.add('E_CONFIG_REF', { file: rule.file, keyPath: 'id', message: `規則 id「${rule.config.id}」與 ${dup} 重複 (duplicate rule id)` });
      ruleIds.set(rule.config.id, rule.file);
      rules.push(rule);
    } catch (err) {
      problems.addError(err);
    }
  }

  const connectors: LoadedConnector[] = [];
  const connectorIds = new Map<string, string>();
  for (const path of yamlFilesIn(paths.connectors)) {
    try {
      const c = loadConnectorFile(path, kinds);
      const dup = connectorIds.get(c.config.id);
      if (dup) problems.add('E_CONFIG_REF', { file: c.file, keyPath: 'id', message: `連接器 id「${c.config.id}」與 ${dup} 重複 (duplicate connector id)` });
      connectorIds.set(c.config.id, c.file);
      connectors.push(c);
    } catch (err) {
      problems.addError(err);
    }
  }

  let lexicon: Lexicon | undefined;
  try {
    lexicon = loadLexicon(paths.lexicon);
  } catch (err) {
    if (err instanceof ConfigError || !(err instanceof YuqingError)) problems.addError(err);
    else problems.add('E_CONFIG_IO', { file: paths.lexicon, message: err.message });
  }

  problems.throwIfAny();
  if (!lexicon) throw new ConfigError('E_CONFIG_IO', [{ file: paths.lexicon, message: '無法載入情緒詞典 (lexicon not loaded)' }]);
  return { configFile, main, connectors, rules, lexicon, paths };
}
