import type { IncomingMessage, ServerResponse } from 'node:http';
import { acknowledge } from '../alerts/lifecycle';
import type { AlertEvent, AlertRecord } from '../alerts/types';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { verifyAck, type AckParams } from './ack-link';
import { confirmPage, resultPage } from './ack-page';

/** Largest form body accepted (a note of 500 characters fits many times over). */
const MAX_FORM_BYTES = 16 * 1024;

/** The alerts a handler reads and writes (the state store's AlertsRepo). */
export interface AckAlertStore {
  get(id: string): AlertRecord | undefined;
  commit(alert: AlertRecord, events: AlertEvent[], deliveries: [], nowMs: number): void;
  /** Runs a read–decide–commit step so no other process interleaves (see AlertsRepo.exclusive). */
  exclusive<T>(fn: () => T): T;
}

export interface AckHandlerOptions {
  alerts: AckAlertStore;
  /** The HMAC key (already checked, see `checkAckSecret`). */
  secret: string;
  clock: Clock;
  timeZone: string;
  /** Display names by recipient id, for "acknowledged by 公關主管 (pr-lead)". */
  recipientNames: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** Called after an acknowledgement was committed (metrics, the index feed). */
  onAcknowledged?: (alert: AlertRecord, events: AlertEvent[]) => void;
}

/** A route of the daemon's HTTP server. */
export interface Route {
  /** Paths starting with this are handed to `handle`. */
  prefix: string;
  /** Methods it answers (others get 405 with `Allow`). */
  methods: readonly string[];
  /**
   * Every write request carries its own unforgeable, expiring credential that the route verifies
   * (a signed acknowledge link), so the server's write token is not asked for. Default false: write
   * requests need the token whenever the server requires one (src/server/write-token.ts).
   */
  selfAuthenticating?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

/**
 * `/ack/<alert id>?r=…&e=…&s=…`: GET (and HEAD) verifies the link and shows a confirmation page;
 * POST (the page's form, with the same three values as hidden fields and an optional note)
 * verifies again and acknowledges. Answers:
 *
 * | case                                   | status | page                                   |
 * |----------------------------------------|--------|----------------------------------------|
 * | malformed link or wrong signature      | 403    | 連結無效                                |
 * | valid but expired                      | 410    | 連結已過期 (use `yuqing alerts ack`)     |
 * | no such alert                          | 404    | 找不到警示                              |
 * | GET, alert open                        | 200    | confirmation form (nothing changes)    |
 * | GET, already acknowledged or resolved  | 200    | who / when, no form                    |
 * | POST, alert open                       | 200    | acknowledged by the link's recipient   |
 * | POST, already acknowledged or resolved | 200    | nothing changed, and why               |
 *
 * Every response is `no-store`, `no-referrer` (the link is a credential), not framable, and
 * script-free (CSP `default-src 'none'`).
 */
export function createAckRoute(options: AckHandlerOptions): Route {
  const log = options.log.child({ component: 'ack' });
  return {
    prefix: '/ack/',
    methods: ['GET', 'HEAD', 'POST'],
    // The link's HMAC signature (alert, recipient, expiry) is the credential; a recipient has no server token.
    selfAuthenticating: true,
    async handle(req, res, url) {
      const alertId = safeDecode(url.pathname.slice('/ack/'.length));
      const params: Partial<AckParams> & { note?: string } = req.method === 'POST' ? await readForm(req) : Object.fromEntries(url.searchParams);
      const now = options.clock.now();
      const tz = options.timeZone;
      const v = verifyAck(alertId ?? '', params, options.secret, now);
      if (!v.ok) {
        log.warn({ alertId, reason: v.reason, method: req.method }, '確認連結無效或已過期 (ack link refused)');
        if (v.reason === 'expired') return html(res, req, 410, resultPage('連結已過期 (Link expired)', '這個確認連結已過期。請改用指令 yuqing alerts ack 確認，或等待下一則通知中的新連結。', undefined, tz));
        return html(res, req, 403, resultPage('連結無效 (Invalid link)', '這個確認連結無效或已被修改。請使用通知信中的原始連結。', undefined, tz));
      }
      const alert = options.alerts.get(v.claim.alertId);
      if (!alert) return html(res, req, 404, resultPage('找不到警示 (No such alert)', `找不到警示 ${v.claim.alertId}，可能已被清除。`, undefined, tz));
      const name = options.recipientNames[v.claim.recipient];
      const who = name ? `${name} (${v.claim.recipient})` : v.claim.recipient;

      if (req.method !== 'POST') {
        if (alert.status === 'open') return html(res, req, 200, confirmPage(alert, who, { r: params.r!, e: params.e!, s: params.s! }, tz));
        const r = acknowledge(alert, { by: who, nowMs: now, timeZone: tz });
        return html(res, req, 200, resultPage('不需再確認 (Nothing to do)', r.acknowledged ? '' : r.message, alert, tz));
      }

      const note = typeof params.note === 'string' && params.note.trim() !== '' ? params.note.trim().slice(0, 500) : undefined;
      // Read again, decide and commit under the write lock: neither a second click nor the daemon
      // in another process can interleave.
      const r = options.alerts.exclusive(() => {
        const fresh = options.alerts.get(alert.id) ?? alert;
        const result = acknowledge(fresh, { by: who, nowMs: now, timeZone: tz, ...(note ? { note } : {}) });
        if (result.acknowledged) options.alerts.commit(result.alert, result.events, [], now);
        return result;
      });
      if (!r.acknowledged) return html(res, req, 200, resultPage('不需再確認 (Nothing to do)', r.message, r.alert, tz));
      log.info({ alertId: alert.id, by: v.claim.recipient }, '警示已由連結確認 (alert acknowledged by link)');
      options.onAcknowledged?.(r.alert, r.events);
      return html(res, req, 200, resultPage('已確認收到 (Acknowledged)', `已由 ${who} 確認。後續不會再升級通報；請依處理期限完成處置。`, r.alert, tz));
    },
  };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    // A malformed %-escape is just an invalid link; verifyAck refuses an empty id.
    return undefined;
  }
}

async function readForm(req: IncomingMessage): Promise<Partial<AckParams> & { note?: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return {};
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function html(res: ServerResponse, req: IncomingMessage, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
