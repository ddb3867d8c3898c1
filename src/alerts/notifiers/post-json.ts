import { ConfigError, DeliveryError, HttpError, errorMessage } from '../../core/errors';
import type { HttpClient } from '../../http/types';

/**
 * One JSON POST to a receiver (generic webhook, Slack, Teams, Discord, LINE, Alertmanager) through
 * the shared HTTP client, with the outcome mapped for the outbox. No retries inside the request, no
 * politeness wait, no redirects: the outbox owns retrying.
 *
 * | receiver answer                          | result                               |
 * |------------------------------------------|--------------------------------------|
 * | 2xx, or a status the channel accepts     | delivered                            |
 * | 410 Gone                                 | not retryable (endpoint retired)     |
 * | 408, 429, 5xx                            | retryable, Retry-After passed on     |
 * | timeout, network error                   | retryable                            |
 * | 3xx (redirects are not followed)         | not retryable                        |
 * | other 4xx (401, 403, 404 included)       | not retryable                        |
 */

/** Response bodies are used only for a short note; a small cap keeps a misbehaving receiver from costing memory. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export interface PostJsonRequest {
  url: string;
  /** The exact body to send (already JSON). */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The URL is itself a secret (Slack, Teams, Discord): never shown in errors or logs. */
  redactUrl: boolean;
  /** Fields for errors and logs (channel, target, idempotency key). Never secrets. */
  context: Record<string, unknown>;
  /** `名稱`: how the channel is called in messages, e.g. `Slack`. */
  label: string;
  /**
   * A non-2xx status that means the message was delivered all the same (LINE answers 409 to a
   * retry whose first try was accepted).
   */
  acceptStatus?: (status: number) => boolean;
  /** A 4xx that is worth retrying for this channel (LINE's 401: an expired token an operator renews). */
  retryStatus?: (status: number) => boolean;
}

/** What the receiver answered, when it accepted. */
export interface PostJsonResponse {
  status: number;
  text: string;
}

/**
 * POST `req.body` and resolve when the receiver accepted it.
 * @throws DeliveryError following the table above
 */
export async function postJson(http: HttpClient, req: PostJsonRequest): Promise<PostJsonResponse> {
  let res;
  try {
    res = await http.request(req.url, {
      method: 'POST',
      body: req.body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...req.headers },
      retries: 0,
      polite: false,
      followRedirects: false,
      conditional: false,
      timeoutMs: req.timeoutMs,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      redactUrl: req.redactUrl,
    });
  } catch (err) {
    if (err instanceof HttpError && err.status !== undefined && req.acceptStatus?.(err.status)) return { status: err.status, text: '' };
    throw httpDeliveryError(err, req.label, req.context, req.retryStatus);
  }
  // The client also resolves 304; for a POST that is not an acceptance.
  if (res.status < 200 || res.status > 299) {
    if (req.acceptStatus?.(res.status)) return { status: res.status, text: res.text };
    throw new DeliveryError(`${req.label} 回應 HTTP ${res.status}，視為失敗，不再重試 (unexpected status)`, { retryable: false, context: { ...req.context, status: res.status } });
  }
  return { status: res.status, text: res.text };
}

/** Map an HTTP failure to a DeliveryError following the table above. */
export function httpDeliveryError(err: unknown, label: string, context: Record<string, unknown>, retryStatus?: (status: number) => boolean): DeliveryError {
  if (!(err instanceof HttpError)) {
    // Not an answer from the receiver (a bug, a cancellation): keep the alert and try again later.
    return new DeliveryError(`${label} 傳送發生非預期錯誤，將重試：${errorMessage(err)} (unexpected error)`, { retryable: true, cause: err, context });
  }
  const reply = typeof err.context.bodySnippet === 'string' ? err.context.bodySnippet.slice(0, 200) : undefined;
  const ctx = { ...context, status: err.status, code: err.code, ...(reply ? { reply } : {}) };
  const status = err.status;
  if (err.code === 'E_HTTP_TIMEOUT' || err.code === 'E_HTTP_NETWORK') {
    return new DeliveryError(`${label} 連線失敗或逾時，將重試 (${err.code})`, { retryable: true, cause: err, context: ctx });
  }
  if (status === undefined) {
    // E_HTTP_REDIRECT / E_HTTP_TOO_LARGE without a status: the exchange did not succeed as asked.
    return new DeliveryError(`${label} 傳送失敗 (${err.code})`, { retryable: err.code !== 'E_HTTP_REDIRECT', cause: err, context: ctx });
  }
  const said = reply ? `：${reply}` : '';
  if (status === 410) {
    return new DeliveryError(`${label} 接收端已停用（HTTP 410 Gone），不再重試；請檢查設定 (endpoint gone)`, { retryable: false, cause: err, context: ctx });
  }
  if (status === 408 || status === 429 || (status >= 500 && status <= 599) || retryStatus?.(status)) {
    return new DeliveryError(`${label} 接收端暫時無法處理（HTTP ${status}），將重試 (temporary failure)`, {
      retryable: true,
      ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      cause: err,
      context: ctx,
    });
  }
  if (status >= 300 && status <= 399) {
    return new DeliveryError(`${label} 回應重新導向（HTTP ${status}），不跟隨、不再重試 (redirects are not followed)`, { retryable: false, cause: err, context: ctx });
  }
  return new DeliveryError(`${label} 拒絕了這次傳送（HTTP ${status}${said}），不再重試 (rejected)`, { retryable: false, cause: err, context: ctx });
}

/** A configured endpoint with its URL resolved. */
export interface ResolvedEndpoint {
  url: string;
  timeoutMs: number;
  /** The URL came from an environment variable: it is a secret, never shown. */
  secretUrl: boolean;
}

/**
 * Resolve an endpoint's URL from `url` or the environment variable `urlEnv`.
 * @throws ConfigError (E_CONFIG_REF) naming `keyBase.urlEnv` / `keyBase.url` when the variable is missing or the URL is not http(s)
 */
export function resolveEndpoint(cfg: { url?: string | undefined; urlEnv?: string | undefined; timeoutMs: number }, env: Record<string, string | undefined>, file: string, keyBase: string): ResolvedEndpoint {
  const problem = (key: string, message: string): ConfigError => new ConfigError('E_CONFIG_REF', [{ file, keyPath: `${keyBase}.${key}`, message }]);
  let url = cfg.url;
  if (cfg.urlEnv) {
    url = env[cfg.urlEnv];
    if (!url) throw problem('urlEnv', `環境變數 ${cfg.urlEnv} 未設定或為空 (environment variable not set)`);
  }
  const parsed = url && URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    // Never echo a URL that came from the environment: it may be the secret itself.
    throw problem(cfg.urlEnv ? 'urlEnv' : 'url', '網址必須是 http(s) 網址 (must be an http(s) URL)');
  }
  return { url: parsed.href, timeoutMs: cfg.timeoutMs, secretUrl: Boolean(cfg.urlEnv) };
}
