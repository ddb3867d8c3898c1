import { HttpError } from '../core/errors';
import type { ForbiddenAddress } from './address-policy';

/**
 * The HttpErrors the client raises, with their zh-TW-first messages in one place. `shownUrl` is
 * the URL as it may appear in messages (see {@link shownUrl}); `url` on the error is the same.
 */

/** The URL as it may appear in logs and messages: only the origin when the URL itself is a secret. */
export function shownUrl(url: string, redact: boolean): string {
  if (!redact) return url;
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(已遮蔽的網址 redacted URL)';
  }
}

/** E_HTTP_TIMEOUT: headers and body did not arrive within `timeoutMs`. */
export function timeoutError(url: string, timeoutMs: number): HttpError {
  return new HttpError('E_HTTP_TIMEOUT', `請求逾時（超過 ${timeoutMs} 毫秒）：${url} (request timed out)`, url, { context: { timeoutMs } });
}

/** E_HTTP_TOO_LARGE: the body (as sent, or after decompression) exceeds the cap. */
export function tooLargeError(url: string, maxBodyBytes: number, stage: 'declared' | 'received' | 'decompressed'): HttpError {
  const what = { declared: 'Content-Length 宣告', received: '傳輸內容', decompressed: '解壓縮後內容' }[stage];
  return new HttpError('E_HTTP_TOO_LARGE', `回應過大：${what}超過上限 ${maxBodyBytes} 位元組：${url} (response body too large)`, url, {
    context: { maxBodyBytes, stage },
  });
}

/** E_HTTP_NETWORK: the connection failed, or the body could not be read or decompressed. */
export function networkError(url: string, cause: unknown, what = '網路錯誤'): HttpError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HttpError('E_HTTP_NETWORK', `${what}：${url}（${detail}）(network error)`, url, { cause });
}

/** E_HTTP_REDIRECT: too many hops, a loop, a missing Location or a non-HTTP target. */
export function redirectError(url: string, reason: string, context: Record<string, unknown> = {}): HttpError {
  return new HttpError('E_HTTP_REDIRECT', `重新導向失敗：${reason}：${url} (redirect error)`, url, { context });
}

/** E_HTTP_BLOCKED: a 403 or a Cloudflare challenge. Retrying cannot help; a person must look. */
export function blockedError(url: string, status: number, challenge: boolean, bodySnippet?: string): HttpError {
  const why = challenge ? 'Cloudflare 驗證挑戰' : `HTTP ${status} 拒絕存取`;
  return new HttpError('E_HTTP_BLOCKED', `來源封鎖了我們的請求（${why}），不再重試：${url} (blocked by the source)`, url, {
    status,
    context: { challenge, bodySnippet },
  });
}

/** E_HTTP_STATUS: any other unexpected status (including a 3xx that was not to be followed). */
export function statusError(url: string, status: number, retryAfterMs: number | undefined, bodySnippet?: string): HttpError {
  return new HttpError('E_HTTP_STATUS', `非預期的 HTTP 狀態 ${status}：${url} (unexpected status)`, url, {
    status,
    retryAfterMs,
    context: { bodySnippet },
  });
}

/** E_HTTP_ROBOTS: robots.txt disallows the URL, or could not be read (then nothing is allowed). Nothing was sent. */
export function robotsError(url: string, robotsUrl: string, reason: 'disallowed' | 'unreachable'): HttpError {
  const why = reason === 'disallowed' ? 'robots.txt 不允許抓取此網址' : 'robots.txt 暫時無法取得，依規範暫停抓取此網站';
  return new HttpError('E_HTTP_ROBOTS', `${why}：${url} (${reason === 'disallowed' ? 'disallowed by robots.txt' : 'robots.txt unreachable'})`, url, {
    context: { robotsUrl, reason },
  });
}

/**
 * E_HTTP_FORBIDDEN_ADDRESS: the host is, or resolved to, a loopback, private, link-local or other
 * non-public address that is not allow-listed. Nothing was sent; never retried.
 */
export function forbiddenAddressError(url: string, refused: ForbiddenAddress): HttpError {
  return new HttpError(
    'E_HTTP_FORBIDDEN_ADDRESS',
    `拒絕連線到非公開位址：${refused.message}；確有需要時請列入允許清單（來源：http.allowPrivateHosts；通知管道：channels.allowPrivateHosts）：${url} (non-public address refused)`,
    url,
    { cause: refused, context: { hostname: refused.hostname, address: refused.address, addressClass: refused.addressClass } },
  );
}
