import robotsParser from 'robots-parser';
import { HttpError } from '../core/errors';
import type { Logger } from '../core/logger';

/**
 * robots.txt per origin, as RFC 9309 says a crawler should read it: fetched once and cached
 * (24 h by default), `Disallow`/`Allow` with wildcards matched for our product token, and the
 * non-standard but widespread `Crawl-delay` (seconds) turned into a per-host gap. Parsing is
 * robots-parser's (a well-kept, spec-compliant parser); what to do when the file cannot be read
 * is decided here:
 *
 * | robots.txt answer                 | verdict                                                   |
 * |-----------------------------------|-----------------------------------------------------------|
 * | 2xx                               | its rules                                                 |
 * | 4xx other than 429 (incl. 403/404)| "unavailable": everything allowed (RFC 9309 §2.3.1.3)     |
 * | 429, 5xx, network error, timeout  | "unreachable": everything disallowed (§2.3.1.4) — a stale |
 * |                                   | copy, when we have one, is used instead                   |
 *
 * An unreachable verdict is cached only briefly (`unreachableTtlMs`), so a site that comes back
 * is crawled again soon.
 */

/** What robots.txt says about one URL. */
export interface RobotsVerdict {
  allowed: boolean;
  /** The origin's Crawl-delay in milliseconds (capped), when it sets one for us. */
  crawlDelayMs?: number;
  robotsUrl: string;
  /** Why a URL is refused: a rule disallows it, or robots.txt could not be read. */
  reason?: 'disallowed' | 'unreachable';
}

/** How the policy fetches a robots.txt: the client itself, without robots checks. */
export type RobotsFetch = (robotsUrl: string, signal?: AbortSignal) => Promise<{ status: number; text: string }>;

export interface RobotsPolicyOptions {
  fetch: RobotsFetch;
  /** Our product token as robots.txt groups name it (`Yuqing`); matched case-insensitively. */
  userAgentToken: string;
  /** How long a fetched robots.txt is trusted. Default 24 h (the RFC's upper bound). */
  ttlMs?: number;
  /** How long an "unreachable" verdict is kept before trying again. Default 10 min. */
  unreachableTtlMs?: number;
  /** A Crawl-delay longer than this is treated as this (and logged). Default 60 s. */
  maxCrawlDelayMs?: number;
  /** Epoch ms (cache ages). */
  now: () => number;
  log: Logger;
}

export interface RobotsPolicy {
  /**
   * The verdict for `url` (fetching its origin's robots.txt when not cached). Concurrent checks
   * for one origin share one fetch.
   */
  check(url: URL, signal?: AbortSignal): Promise<RobotsVerdict>;
  /** The cached Crawl-delay of the URL's origin, without fetching anything. */
  cachedCrawlDelayMs(url: URL): number | undefined;
}

export const ROBOTS_TTL_MS = 86_400_000;
export const ROBOTS_UNREACHABLE_TTL_MS = 10 * 60_000;
export const MAX_CRAWL_DELAY_MS = 60_000;

interface Entry {
  /** `undefined` rules = allow everything (unavailable); `null` = unreachable, nothing allowed. */
  robot: ReturnType<typeof robotsParser> | undefined | null;
  fetchedAt: number;
  expiresAt: number;
  crawlDelayMs: number | undefined;
}

/** `Yuqing/0.1 (…)` → `Yuqing`: the product token robots.txt groups are matched against. */
export function productToken(userAgent: string): string {
  return userAgent.trim().split(/[\s/]/)[0] || userAgent.trim();
}

/** The robots.txt URL for a page's origin. */
export function robotsUrlFor(url: URL): string {
  return `${url.origin}/robots.txt`;
}

export function createRobotsPolicy(options: RobotsPolicyOptions): RobotsPolicy {
  const ttlMs = options.ttlMs ?? ROBOTS_TTL_MS;
  const unreachableTtlMs = options.unreachableTtlMs ?? ROBOTS_UNREACHABLE_TTL_MS;
  const maxDelayMs = options.maxCrawlDelayMs ?? MAX_CRAWL_DELAY_MS;
  const token = options.userAgentToken;
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<Entry>>();
  const log = options.log.child({ component: 'robots' });

  function crawlDelayOf(robot: Entry['robot'], robotsUrl: string): number | undefined {
    const seconds = robot ? robot.getCrawlDelay(token) : undefined;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return undefined;
    const ms = Math.round(seconds * 1000);
    if (ms > maxDelayMs) log.warn({ robotsUrl, crawlDelayMs: ms, usedMs: maxDelayMs }, 'robots.txt 的 Crawl-delay 過長，以上限計 (Crawl-delay capped)');
    return Math.min(ms, maxDelayMs);
  }

  async function load(origin: string, robotsUrl: string, stale: Entry | undefined, signal?: AbortSignal): Promise<Entry> {
    const now = options.now();
    let robot: Entry['robot'];
    let expiresAt = now + ttlMs;
    try {
      const res = await options.fetch(robotsUrl, signal);
      robot = robotsParser(robotsUrl, res.text);
    } catch (err) {
      // The origin itself is refused by the address guard: say so, not "robots.txt unreachable".
      if (err instanceof HttpError && err.code === 'E_HTTP_FORBIDDEN_ADDRESS') throw err;
      const status = err instanceof HttpError ? err.status : undefined;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
        robot = undefined;
      } else {
        if (signal?.aborted) throw err;
        // Unreachable: a stale copy is better than guessing (RFC 9309 allows it); else refuse all.
        log.warn({ robotsUrl, status, code: err instanceof HttpError ? err.code : undefined, stale: Boolean(stale) }, '無法取得 robots.txt (robots.txt unreachable)');
        if (stale && stale.robot !== null) return { ...stale, expiresAt: now + unreachableTtlMs };
        robot = null;
        expiresAt = now + unreachableTtlMs;
      }
    }
    const entry: Entry = { robot, fetchedAt: now, expiresAt, crawlDelayMs: crawlDelayOf(robot, robotsUrl) };
    cache.set(origin, entry);
    return entry;
  }

  async function entryFor(url: URL, signal?: AbortSignal): Promise<Entry> {
    const origin = url.origin;
    const cached = cache.get(origin);
    if (cached && cached.expiresAt > options.now()) return cached;
    let inflight = pending.get(origin);
    if (!inflight) {
      inflight = load(origin, robotsUrlFor(url), cached, signal).finally(() => pending.delete(origin));
      pending.set(origin, inflight);
    }
    return inflight;
  }

  return {
    async check(url, signal) {
      const robotsUrl = robotsUrlFor(url);
      const entry = await entryFor(url, signal);
      const base: RobotsVerdict = { allowed: true, robotsUrl, ...(entry.crawlDelayMs !== undefined ? { crawlDelayMs: entry.crawlDelayMs } : {}) };
      if (entry.robot === null) return { ...base, allowed: false, reason: 'unreachable' };
      if (entry.robot === undefined) return base;
      // robots-parser answers undefined for another origin; we always ask on the URL's own.
      return entry.robot.isAllowed(url.href, token) === false ? { ...base, allowed: false, reason: 'disallowed' } : base;
    },
    cachedCrawlDelayMs(url) {
      return cache.get(url.origin)?.crawlDelayMs;
    },
  };
}
