import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { acknowledge } from '../alerts/lifecycle';
import type { AlertEvent, AlertRecord } from '../alerts/types';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { AckAlertStore, Route } from './ack-handler';
import { signAck, verifyAck } from './ack-link';
import { collectStatus, type StatusSources } from './status-data';
import { renderStatusPage, STATUS_CSP, type StatusNotice } from './status-page';

/**
 * `/status`: the status page (GET, HEAD) and its acknowledge forms (POST `/status/ack/<alert id>`).
 *
 * Acknowledging reuses the signed-link machinery: each form carries an expiring HMAC token for
 * (alert, recipient `status-page`, expiry) under a key that lives only in this process, so a form
 * cannot be forged from another site (CSRF) and a GET never changes anything. The POST reads the
 * alert again under the store's write lock, acknowledges it through the lifecycle (the same
 * `acknowledge` as the ack links and `yuqing alerts ack`), then redirects back to the page (303).
 *
 * | request                                          | answer                                   |
 * |--------------------------------------------------|------------------------------------------|
 * | from a non-loopback address, `allowRemote` off   | 403 (the page has no login)              |
 * | GET/HEAD /status                                 | 200 page, CSP, no-store                  |
 * | POST /status/ack/<id> from another origin        | 403                                      |
 * | POST, token invalid for this id                  | 303 → /status?e=invalid                  |
 * | POST, token expired (page older than its TTL)    | 303 → /status?e=expired                  |
 * | POST, no name                                    | 303 → /status?e=name                     |
 * | POST, alert gone / already acknowledged/resolved | 303 → /status?e=missing / e=nothing      |
 * | POST, alert open                                 | acknowledged; 303 → /status?acked=<id>   |
 * | other paths under /status                        | 404; other methods 405                   |
 */

/** The token's recipient id: the status page acknowledges as itself, with the typed name as `by`. */
export const STATUS_PAGE_RECIPIENT = 'status-page';
/** How long a rendered form stays usable. */
const FORM_TTL_MS = 12 * 3_600_000;
const MAX_FORM_BYTES = 16 * 1024;

export interface StatusRouteOptions {
  store: StatusSources & { alerts: AckAlertStore & StatusSources['alerts'] };
  rules: () => ReadonlyArray<{ id: string; name: string }>;
  clock: Clock;
  timeZone: string;
  /** Days of per-rule volume (default 14). */
  days?: number;
  /** Serve requests from any address (default: loopback only). */
  allowRemote?: boolean;
  log: Logger;
  /** Called after an acknowledgement was committed (metrics, the index feed). */
  onAcknowledged?: (alert: AlertRecord, events: AlertEvent[]) => void;
  /** The form-token key; default a random key per process (tests pass their own). */
  tokenKey?: string;
}

const NOTICES: Record<string, StatusNotice> = {
  invalid: { kind: 'error', text: '確認失敗：表單無效，請重新整理頁面後再試。' },
  expired: { kind: 'error', text: '確認失敗：頁面已過期，請重新整理頁面後再試。' },
  name: { kind: 'error', text: '確認失敗：請填寫確認者的名字。' },
  missing: { kind: 'error', text: '確認失敗：找不到這則警示，可能已被清除。' },
  nothing: { kind: 'error', text: '不需再確認：這則警示已被確認或已解除。' },
};

/** Whether the peer is this machine (127.0.0.0/8, ::1, IPv4-mapped loopback). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}

/** The status page route (see the table above). */
export function createStatusRoute(options: StatusRouteOptions): Route {
  const log = options.log.child({ component: 'status-page' });
  const key = options.tokenKey ?? randomBytes(32).toString('base64url');
  const days = options.days ?? 14;
  return {
    prefix: '/status',
    methods: ['GET', 'HEAD', 'POST'],
    async handle(req, res, url) {
      if (!options.allowRemote && !isLoopback(req.socket.remoteAddress)) {
        log.warn({ remote: req.socket.remoteAddress }, '狀態頁只接受本機連線 (status page refused a non-loopback client)');
        return text(res, 403, '狀態頁只接受本機連線；要從其他機器開啟，請設定 server.statusPage.allowRemote 並放在需登入的反向代理之後。\n');
      }
      const path = url.pathname;
      if (path === '/status') {
        if (req.method === 'POST') return methodNotAllowed(res, 'GET, HEAD');
        return page(req, res, url);
      }
      if (path.startsWith('/status/ack/')) {
        if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
        return ack(req, res, path.slice('/status/ack/'.length));
      }
      return text(res, 404, 'not found\n');
    },
  };

  function page(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const now = options.clock.now();
    const snapshot = collectStatus(options.store, options.rules(), now, options.timeZone, days);
    const acked = url.searchParams.get('acked');
    const ackedAlert = acked ? options.store.alerts.get(acked) : undefined;
    const error = url.searchParams.get('e');
    const notice = ackedAlert ? { kind: 'ok' as const, text: `已確認警示 ${ackedAlert.ruleName}（${ackedAlert.id}），確認者：${ackedAlert.acknowledgedBy ?? ''}。` } : error ? NOTICES[error] : undefined;
    const html = renderStatusPage(snapshot, {
      ackFields: (alert) => signAck({ alertId: alert.id, recipient: STATUS_PAGE_RECIPIENT, expiresAtMs: now + FORM_TTL_MS }, key),
      ...(notice ? { notice } : {}),
    });
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': STATUS_CSP,
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'cross-origin-opener-policy': 'same-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  }

  async function ack(req: IncomingMessage, res: ServerResponse, rawId: string): Promise<void> {
    if (!sameOrigin(req)) {
      log.warn({ origin: req.headers.origin, site: req.headers['sec-fetch-site'] }, '拒絕來自其他網站的確認表單 (cross-site acknowledge refused)');
      return text(res, 403, 'cross-site request refused\n');
    }
    let alertId: string;
    try {
      alertId = decodeURIComponent(rawId);
    } catch {
      return back(res, 'e=invalid');
    }
    const form = await readForm(req);
    if (!form) return back(res, 'e=invalid');
    const now = options.clock.now();
    const v = verifyAck(alertId, { r: form.get('r') ?? '', e: form.get('e') ?? '', s: form.get('s') ?? '' }, key, now);
    if (!v.ok || v.claim.recipient !== STATUS_PAGE_RECIPIENT) return back(res, v.ok || v.reason !== 'expired' ? 'e=invalid' : 'e=expired');
    const name = (form.get('by') ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);
    if (name === '') return back(res, 'e=name');
    const note = (form.get('note') ?? '').trim().slice(0, 500);
    const by = `${name}（狀態頁）`;
    // Read, decide and commit under the write lock, like the ack links (src/server/ack-handler.ts).
    const result = options.store.alerts.exclusive(() => {
      const fresh = options.store.alerts.get(alertId);
      if (!fresh) return undefined;
      const r = acknowledge(fresh, { by, nowMs: now, timeZone: options.timeZone, ...(note ? { note } : {}) });
      if (r.acknowledged) options.store.alerts.commit(r.alert, r.events, [], now);
      return r;
    });
    if (!result) return back(res, 'e=missing');
    if (!result.acknowledged) return back(res, 'e=nothing');
    log.info({ alertId, by }, '警示已由狀態頁確認 (alert acknowledged on the status page)');
    options.onAcknowledged?.(result.alert, result.events);
    return back(res, `acked=${encodeURIComponent(alertId)}`);
  }
}

/**
 * A form post from this page. Browsers say where a request comes from in `Sec-Fetch-Site`; it must be
 * `same-origin`. Without it, an `Origin` other than `null` must name this host (the page's
 * no-referrer policy makes browsers send `Origin: null` on its own forms). Requests that carry
 * neither (curl) pass: the signed token still has to verify.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function back(res: ServerResponse, query: string): void {
  res.writeHead(303, { location: `/status?${query}`, 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8' });
  res.end('see /status\n');
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.writeHead(405, { allow, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('method not allowed\n');
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
