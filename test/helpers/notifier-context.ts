import { mainConfigSchema, type MainConfig } from '../../src/config/main-schema';
import { ManualClock } from '../../src/core/clock';
import { silentLogger } from '../../src/core/logger';
import type { NotifierContext } from '../../src/alerts/notifiers/define';
import type { HttpClient } from '../../src/http/types';
import { EVENT_AT } from './alert-fixtures';

/** An HttpClient for tests that must not make HTTP requests: any call fails the test. */
export const noHttp: HttpClient = {
  request: (url) => Promise.reject(new Error(`this test must not make HTTP requests (asked for ${url})`)),
};

/** A main config parsed by the real schema (so defaults are the real ones) from the given partial file. */
export function parseMainConfig(file: Record<string, unknown>): MainConfig {
  return mainConfigSchema.parse(file);
}

/** A NotifierContext on a manual clock at the fixtures' event time, with a silent logger. */
export function notifierContext(config: MainConfig, parts: Partial<NotifierContext> = {}): NotifierContext & { clock: ManualClock } {
  return { config, env: {}, http: noHttp, log: silentLogger(), configFile: 'test/yuqing.yaml', ...parts, clock: (parts.clock as ManualClock | undefined) ?? new ManualClock(EVENT_AT) };
}
