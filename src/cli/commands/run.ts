import { createLogger } from '../../core/logger';
import { App } from '../../pipeline/app';
import type { Output } from '../output';
import { loadProjectOrReport } from '../project';
import { missingEnv } from './validate';

/**
 * `yuqing run`: the daemon. Runs until SIGTERM or SIGINT, then stops scheduling, lets runs in
 * flight finish (every write is a transaction, so anything cut short is redone next start) and exits 0.
 */
export async function runCommand(configPath: string | undefined, out: Output): Promise<number> {
  const project = loadProjectOrReport(configPath, out);
  if (!project) return 1;
  const log = createLogger();
  for (const name of missingEnv(project)) log.warn({ env: name }, '環境變數未設定，相關通道的通知會留在佇列中 (environment variable not set)');
  const app = new App(project, { log });
  await app.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, '收到停止訊號，正在收尾 (shutting down)');
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await app.stop();
  return 0;
}
