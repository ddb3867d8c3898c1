import { resolve } from 'node:path';
import { ConfigError, formatProblem } from '../core/errors';
import { loadProject, type Project } from '../config/load';
import { builtinRegistry } from '../connectors/builtin';
import type { Output } from './output';

/** Default main config file, looked up in the working directory. */
export const DEFAULT_CONFIG = 'yuqing.yaml';

/**
 * Load the project for a command that needs a valid configuration; prints every problem and
 * returns undefined when it is not (the command then exits 1).
 */
export function loadProjectOrReport(configPath: string | undefined, out: Output): Project | undefined {
  try {
    return loadProject(resolve(configPath ?? DEFAULT_CONFIG), builtinRegistry);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out.err(`✘ 設定有誤，無法啟動；請先修正（npx yuqing validate 可再次檢查）(invalid configuration):`);
    for (const p of err.problems) out.err(`  ${formatProblem(p)}`);
    return undefined;
  }
}
