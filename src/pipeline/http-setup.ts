import type { MainConfig } from '../config/main-schema';
import type { Logger } from '../core/logger';
import { createHttpClient, type HttpClientOptions } from '../http/client';
import type { HttpClient, ValidatorStore } from '../http/types';

/**
 * The HTTP client the main config describes (politeness, limits, robots.txt). The daemon and
 * `yuqing connectors test` build theirs here, so a connector is tested with the very manners it
 * will have in production.
 */
export function httpClientFromConfig(
  http: MainConfig['http'],
  deps: { log: Logger; validators?: ValidatorStore; now?: () => number; overrides?: Partial<HttpClientOptions> },
): HttpClient {
  const robots = http.robotsTxt.enabled ? { ttlMs: http.robotsTxt.cacheMs, maxCrawlDelayMs: http.robotsTxt.maxCrawlDelayMs } : undefined;
  return createHttpClient({
    userAgent: http.userAgent,
    timeoutMs: http.timeoutMs,
    maxBodyBytes: http.maxBodyBytes,
    perHostIntervalMs: http.perHostIntervalMs,
    retries: http.retries,
    maxRedirects: http.maxRedirects,
    allowPrivateHosts: http.allowPrivateHosts,
    ...(robots ? { robots } : {}),
    ...(deps.validators ? { validators: deps.validators } : {}),
    log: deps.log.child({ component: 'http' }),
    ...(deps.now ? { now: deps.now } : {}),
    ...deps.overrides,
  });
}
