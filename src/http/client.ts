import { setTimeout as delay } from 'node:timers/promises';
import type { LookupFunction } from 'node:net';
import { Agent, request as undiciRequest, type Dispatcher } from 'undici';
import { HttpError } from '../core/errors';
import type { Logger } from '../core/logger';
import { guardedConnector } from './address-guard';
import { checkConnection, ForbiddenAddress, ipBytes, parseAllowList } from './address-policy';
import { decodeBody } from './charset';
import { discardBody, readBody } from './decompress';
import { createHostGate, type HostGate, type ReleaseHost, type Sleep } from './host-gate';
import { blockedError, forbiddenAddressError, networkError, redirectError, robotsError, shownUrl, statusError, timeoutError, tooLargeError } from './http-errors';
import { createRobotsPolicy, productToken, type RobotsPolicy } from './robots';
import { backoffDelayMs, BACKOFF_MAX_MS, isRetryableStatus, parseRetryAfter } from './retry';
import type { HttpClient, HttpRequestOptions, HttpResponse, ValidatorStore, Validators } from './types';

export interface HttpClientOptions {
  /** Sent on every request; say who we are and where to complain. */
  userAgent: string;
  /** Per attempt, covering connect, headers and the whole body. */
  timeoutMs: number;
  /** Cap on the body, both as received and after decompression. */
  maxBodyBytes: number;
  /** Minimum gap between two requests to the same host (end → start). */
  perHostIntervalMs: number;
  /** Retries after the first attempt (GET/HEAD only) for network errors, 408, 429, 500, 502, 503, 504. */
  retries: number;
  /** Redirect hops followed before giving up with E_HTTP_REDIRECT. */
  maxRedirects: number;
  /** Conditional-GET validators per URL; without it no conditional requests are made. */
  validators?: ValidatorStore;
  log: Logger;
  /** Waits between retries and for the per-host gap (injectable so tests run fast). */
  sleep?: Sleep;
  /**
   * undici dispatcher (a MockAgent in tests). Default: an Agent of our own whose connections pass
   * the address guard (src/http/address-guard.ts). A dispatcher given here bypasses the guard for
   * host names (IP literals are still checked before every hop).
   */
  dispatcher?: Dispatcher;
  /**
   * Loopback, private, link-local and other non-public addresses are refused
   * (E_HTTP_FORBIDDEN_ADDRESS) unless the URL's host name or the address is listed here: names
   * (`localhost`, `*.intra.example`), addresses or CIDR ranges (`127.0.0.0/8`, `10.0.0.0/8`).
   * Checked after DNS resolution, on the address actually connected to, on every redirect hop.
   * Default: none.
   */
  allowPrivateHosts?: readonly string[];
  /** DNS lookup for the guarded connections (tests pass a fake resolver); default dns.lookup. */
  lookup?: LookupFunction;
  /**
   * Epoch milliseconds, for Retry-After HTTP-dates; default Date.now. The per-host gap always
   * runs on the real monotonic clock, so an accelerated demo clock cannot make us impolite.
   */
  now?: () => number;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /**
   * A Retry-After longer than this is not waited out inside the request: the request fails at
   * once with `retryAfterMs` set, so the scheduler can come back later. Default 30 s.
   */
  maxRetryAfterMs?: number;
  /**
   * Obey robots.txt for requests that ask for it (`robots: true`): fetched per origin through this
   * client, cached `ttlMs` (default 24 h); `Crawl-delay` (capped at `maxCrawlDelayMs`, default
   * 60 s) widens the per-host gap for every polite request to that origin. Off when absent.
   */
  robots?: { ttlMs?: number; maxCrawlDelayMs?: number; unreachableTtlMs?: number };
}

/** robots.txt bodies past this are not read (RFC 9309 asks crawlers to parse at least 500 KiB). */
const ROBOTS_MAX_BYTES = 512 * 1024;

/** Accept-Encoding we send: everything decompress.ts can undo. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);
/** Request headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
/** How much of an error response's body is kept for the error's context. */
const ERROR_SNIPPET_BYTES = 2048;

const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined);

/** What one hop (one URL, with its retries) came to. */
type HopResult =
  | { kind: 'body'; status: number; headers: Record<string, string>; bytes: Buffer }
  | { kind: 'not-modified'; status: number; headers: Record<string, string> }
  | { kind: 'redirect'; status: number; location: string };

interface HopRequest {
  url: URL;
  method: 'GET' | 'POST' | 'HEAD';
  headers: Record<string, string>;
  body: string | Buffer | undefined;
  retries: number;
  polite: boolean;
  robots: boolean;
  minHostIntervalMs: number;
  followRedirects: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  signal: AbortSignal | undefined;
  redact: boolean;
}

/**
 * The one HTTP client (see HttpClient in ./types for the contract). Behaviour in short:
 * per-host politeness gate (skipped with `polite: false`); redirects followed by hand, each hop
 * through the gate, loops and over-long chains rejected; retries with jittered exponential
 * backoff for idempotent methods, honouring Retry-After; 403 and Cloudflare challenges are
 * E_HTTP_BLOCKED and never retried; gzip/deflate/br decoded with the size cap applied after
 * decompression; the text decoded with the detected charset (Big5 included).
 *
 * Conditional GET: validators are keyed by the URL the caller asked for and sent on every hop.
 * After a 200 they are stored at once, unless the caller passes `deferValidators` and calls
 * `commitValidators()` after it has used the body. A 304 refreshes any validators it carries.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const log = options.log.child({ component: 'http' });
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? BACKOFF_MAX_MS;
  const allow = parseAllowList(options.allowPrivateHosts ?? []);
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ connect: guardedConnector(allow, options.lookup) });
  const gate: HostGate = createHostGate({ intervalMs: options.perHostIntervalMs, now: () => performance.now(), sleep });
  const robots: RobotsPolicy | undefined = options.robots
    ? createRobotsPolicy({
        ...options.robots,
        userAgentToken: productToken(options.userAgent),
        now,
        log: options.log,
        // robots.txt is itself fetched politely (through the gate), never conditionally, and never checked against itself.
        fetch: async (robotsUrl, signal) => {
          const res = await request(robotsUrl, { conditional: false, robots: false, maxBodyBytes: ROBOTS_MAX_BYTES, retries: 1, headers: { accept: 'text/plain, */*;q=0.5' }, ...(signal ? { signal } : {}) });
          return { status: res.status, text: res.text };
        },
      })
    : undefined;

  async function request(url: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
    const method = opts.method ?? 'GET';
    const redact = opts.redactUrl ?? false;
    const idempotent = method !== 'POST';
    const store = method === 'GET' && (opts.conditional ?? true) ? options.validators : undefined;

    let current = parseHttpUrl(url, redact);
    const stored = store?.getValidators(url);
    const headers = buildHeaders(options.userAgent, opts.headers, stored);
    const visited = new Set<string>([current.href]);
    let hopMethod = method;
    let hopBody = opts.body;

    for (let redirects = 0; ; redirects++) {
      const hop = await fetchHop({
        url: current,
        method: hopMethod,
        headers,
        body: hopBody,
        retries: idempotent ? (opts.retries ?? options.retries) : 0,
        polite: opts.polite ?? true,
        robots: (opts.robots ?? false) && robots !== undefined,
        minHostIntervalMs: opts.minHostIntervalMs ?? 0,
        followRedirects: opts.followRedirects ?? true,
        timeoutMs: opts.timeoutMs ?? options.timeoutMs,
        maxBodyBytes: opts.maxBodyBytes ?? options.maxBodyBytes,
        signal: opts.signal,
        redact,
      });

      if (hop.kind === 'redirect') {
        const shown = shownUrl(current.href, redact);
        if (redirects >= options.maxRedirects) throw redirectError(shown, `超過 ${options.maxRedirects} 次重新導向`, { maxRedirects: options.maxRedirects });
        let next: URL;
        try {
          next = new URL(hop.location, current);
        } catch (cause) {
          throw redirectError(shown, `無效的 Location「${hop.location}」`, { cause });
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw redirectError(shown, `不支援導向 ${next.protocol} 網址`);
        if (visited.has(next.href)) throw redirectError(shown, '重新導向迴圈 (redirect loop)', { loop: [...visited, next.href].map((u) => shownUrl(u, redact)) });
        visited.add(next.href);
        if (next.origin !== current.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
        // 303 always, and 301/302 after a POST (what browsers do), continue as a GET without body.
        if (hop.status === 303 || (hopMethod === 'POST' && (hop.status === 301 || hop.status === 302))) {
          hopMethod = 'GET';
          hopBody = undefined;
          delete headers['content-type'];
          delete headers['content-length'];
        }
        log.debug({ url: shown, to: shownUrl(next.href, redact), status: hop.status }, '重新導向 (redirect)');
        current = next;
        continue;
      }

      const finalUrl = current.href;
      if (hop.kind === 'not-modified') {
        const fresh = validatorsOf(hop.headers);
        if (store && fresh) store.setValidators(url, { ...stored, ...fresh });
        return { url: finalUrl, status: hop.status, headers: hop.headers, notModified: true, bytes: Buffer.alloc(0), text: '', charset: 'utf-8' };
      }

      const decoded = decodeBody(hop.bytes, hop.headers['content-type']);
      const response: HttpResponse = {
        url: finalUrl,
        status: hop.status,
        headers: hop.headers,
        notModified: false,
        bytes: hop.bytes,
        text: decoded.text,
        charset: decoded.charset,
      };
      const fresh = hop.status === 200 ? validatorsOf(hop.headers) : undefined;
      if (store && fresh) {
        response.validators = fresh;
        if (opts.deferValidators) response.commitValidators = () => store.setValidators(url, fresh);
        else store.setValidators(url, fresh);
      }
      return response;
    }
  }

  /** One URL: wait for the host's turn, then attempt (with retries) until a usable answer. */
  async function fetchHop(req: HopRequest): Promise<HopResult> {
    const shown = shownUrl(req.url.href, req.redact);
    // An address written into the URL is judged before anything else (robots.txt included); names
    // are judged when they are resolved, by the connector.
    const literal = req.url.hostname.replace(/^\[|\]$/g, '');
    if (ipBytes(literal)) {
      const refused = checkConnection(literal, literal, allow);
      if (refused) throw forbiddenAddressError(shown, refused);
    }
    let intervalMs = req.minHostIntervalMs;
    if (req.robots && robots) {
      const verdict = await robots.check(req.url, req.signal);
      if (!verdict.allowed) throw robotsError(shown, verdict.robotsUrl, verdict.reason ?? 'disallowed');
    }
    // A known Crawl-delay widens the gap for every polite request to that origin, checked or not.
    intervalMs = Math.max(intervalMs, robots?.cachedCrawlDelayMs(req.url) ?? 0);
    const release: ReleaseHost | undefined = req.polite ? await gate.acquire(req.url.hostname, req.signal, intervalMs) : undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const outcome = await attemptOnce(req, shown);
        if (outcome.kind === 'done') return outcome.result;

        const retryAfterMs = outcome.error.retryAfterMs;
        const canRetry = attempt < req.retries && (retryAfterMs === undefined || retryAfterMs <= maxRetryAfterMs);
        if (!canRetry) throw outcome.error;
        const waitMs = Math.max(backoffDelayMs(attempt, random), retryAfterMs ?? 0, req.polite ? Math.max(options.perHostIntervalMs, intervalMs) : 0);
        log.warn({ url: shown, code: outcome.error.code, status: outcome.error.status, attempt: attempt + 1, waitMs }, '請求失敗，稍後重試 (retrying)');
        await sleep(waitMs, req.signal);
      }
    } finally {
      release?.();
    }
  }

  /**
   * A single exchange. Resolves `done` with a result, or `retry` with the error to throw if no
   * retry is left; rejects with errors that must never be retried.
   */
  async function attemptOnce(req: HopRequest, shown: string): Promise<{ kind: 'done'; result: HopResult } | { kind: 'retry'; error: HttpError }> {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(timeoutError(shown, req.timeoutMs)), req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timer.signal]) : timer.signal;
    const started = performance.now();
    let body: (Dispatcher.ResponseData['body']) | undefined;
    try {
      const res = await undiciRequest(req.url, {
        dispatcher,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
      });
      body = res.body;
      const status = res.statusCode;
      const headers = flattenHeaders(res.headers);
      log.debug({ url: shown, method: req.method, status, ms: Math.round(performance.now() - started) }, 'HTTP 回應 (response)');

      if (status === 304) {
        await body.dump();
        return { kind: 'done', result: { kind: 'not-modified', status, headers } };
      }
      if (REDIRECT_STATUSES.has(status) && req.followRedirects) {
        await body.dump();
        if (!headers.location) throw redirectError(shown, `HTTP ${status} 缺少 Location 標頭`, { status });
        return { kind: 'done', result: { kind: 'redirect', status, location: headers.location } };
      }
      const challenge = (headers['cf-mitigated'] ?? '').toLowerCase() === 'challenge';
      if (status === 403 || challenge) throw blockedError(shown, status, challenge, await snippet(body, headers));
      if (status < 200 || status > 299) {
        const error = statusError(shown, status, parseRetryAfter(headers['retry-after'], now()), await snippet(body, headers));
        if (isRetryableStatus(status)) return { kind: 'retry', error };
        throw error;
      }

      const declared = Number(headers['content-length']);
      if (Number.isFinite(declared) && declared > req.maxBodyBytes) throw tooLargeError(shown, req.maxBodyBytes, 'declared');
      const bytes =
        req.method === 'HEAD'
          ? (await body.dump(), Buffer.alloc(0))
          : await readBody(body, { contentEncoding: headers['content-encoding'], maxBodyBytes: req.maxBodyBytes, url: shown });
      return { kind: 'done', result: { kind: 'body', status, headers, bytes } };
    } catch (err) {
      if (body) discardBody(body);
      if (timer.signal.aborted) throw timer.signal.reason as HttpError;
      // The caller cancelled: hand back its own reason untouched.
      if (req.signal?.aborted) throw req.signal.reason;
      if (err instanceof HttpError) throw err;
      const refused = err instanceof ForbiddenAddress ? err : (err as { cause?: unknown } | undefined)?.cause;
      if (refused instanceof ForbiddenAddress) throw forbiddenAddressError(shown, refused);
      return { kind: 'retry', error: networkError(shown, err) };
    } finally {
      clearTimeout(timeout);
    }
  }

  return { request };
}

function parseHttpUrl(url: string, redact: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw networkError(shownUrl(url, redact), cause, '無效的網址');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw networkError(shownUrl(url, redact), new Error(`unsupported protocol ${parsed.protocol}`), '只支援 http 與 https 網址');
  }
  return parsed;
}

/** Our defaults, then the caller's headers (which win), then the conditional-GET validators. */
function buildHeaders(userAgent: string, extra: Record<string, string> | undefined, stored: Validators | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': userAgent, 'accept-encoding': ACCEPT_ENCODING, accept: '*/*' };
  for (const [name, value] of Object.entries(extra ?? {})) headers[name.toLowerCase()] = value;
  if (stored?.etag && !headers['if-none-match']) headers['if-none-match'] = stored.etag;
  if (stored?.lastModified && !headers['if-modified-since']) headers['if-modified-since'] = stored.lastModified;
  return headers;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function validatorsOf(headers: Record<string, string>): Validators | undefined {
  const v: Validators = {};
  if (headers.etag) v.etag = headers.etag;
  if (headers['last-modified']) v.lastModified = headers['last-modified'];
  return v.etag || v.lastModified ? v : undefined;
}

/** The start of an error body, for the error's context (Slack says "invalid_payload" there). */
async function snippet(body: Dispatcher.ResponseData['body'], headers: Record<string, string>): Promise<string | undefined> {
  // A compressed error page is not worth decompressing for a hint.
  if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') {
    discardBody(body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= ERROR_SNIPPET_BYTES) break;
  }
  discardBody(body);
  const text = Buffer.concat(chunks).subarray(0, ERROR_SNIPPET_BYTES).toString('utf8').trim();
  return text === '' ? undefined : text;
}
