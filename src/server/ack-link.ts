import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../core/errors';

/**
 * Signed, expiring acknowledge links. A link names the alert, the recipient it was sent to and an
 * expiry, and carries an HMAC-SHA256 of exactly those under a key only the daemon knows, so it
 * cannot be forged or moved to another alert, recipient or time. It is checked in constant time.
 *
 * `<base>/ack/<alert id>?r=<recipient>&e=<expiry, unix seconds>&s=<base64url signature>`
 *
 * Opening the link (GET) only shows a confirmation page; acknowledging takes a POST from that page
 * (mail scanners and link previews follow links; they must not acknowledge on someone's behalf).
 */

/** Shortest accepted signing key, in characters (the key comes from an environment variable). */
export const MIN_ACK_SECRET_CHARS = 32;
/** Version tag inside the signed text, so a later format can never verify as this one. */
const DOMAIN = 'yuqing-ack.v1';

/** What a link asserts. */
export interface AckClaim {
  alertId: string;
  /** Recipient id from the main config (`pr-lead`). */
  recipient: string;
  /** Epoch ms; the link stops working at this time (rounded down to whole seconds). */
  expiresAtMs: number;
}

/** The three query values of a link (also the hidden fields of the confirmation form). */
export interface AckParams {
  r: string;
  e: string;
  s: string;
}

export type AckVerification = { ok: true; claim: AckClaim } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired'; claim?: AckClaim };

function signature(alertId: string, recipient: string, expSec: number, secret: string): string {
  return createHmac('sha256', secret).update(`${DOMAIN}\n${alertId}\n${recipient}\n${expSec}`, 'utf8').digest('base64url');
}

/**
 * Check the signing key from the environment.
 * @throws ConfigError (E_CONFIG_REF) naming `server.ackLinks.secretEnv` when it is missing or shorter than {@link MIN_ACK_SECRET_CHARS}
 */
export function checkAckSecret(secret: string | undefined, envName: string, file: string): string {
  if (!secret) throw new ConfigError('E_CONFIG_REF', [{ file, keyPath: 'server.ackLinks.secretEnv', message: `環境變數 ${envName} 未設定或為空 (environment variable not set)` }]);
  if (secret.length < MIN_ACK_SECRET_CHARS) {
    throw new ConfigError('E_CONFIG_REF', [{ file, keyPath: 'server.ackLinks.secretEnv', message: `環境變數 ${envName} 的金鑰太短，至少需要 ${MIN_ACK_SECRET_CHARS} 個字元 (signing key too short)` }]);
  }
  return secret;
}

/** The query parameters of a link for `claim`. */
export function signAck(claim: AckClaim, secret: string): AckParams {
  const expSec = Math.floor(claim.expiresAtMs / 1000);
  return { r: claim.recipient, e: String(expSec), s: signature(claim.alertId, claim.recipient, expSec, secret) };
}

/** The full link: `baseUrl` (origin and optional path prefix, with or without a trailing slash) + `/ack/<id>?…`. */
export function ackUrl(baseUrl: string, claim: AckClaim, secret: string): string {
  const p = signAck(claim, secret);
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/ack/${encodeURIComponent(claim.alertId)}?${new URLSearchParams({ r: p.r, e: p.e, s: p.s }).toString()}`;
}

/**
 * Verify a link's values for `alertId` at `nowMs`. The signature is compared in constant time
 * (`timingSafeEqual` on equal-length buffers; the length is not secret). An expired link is
 * reported as expired only when its signature is valid, so expiry says nothing about forged links.
 */
export function verifyAck(alertId: string, params: Partial<AckParams>, secret: string, nowMs: number): AckVerification {
  const { r, e, s } = params;
  if (!alertId || !r || !e || !s || !/^\d{1,12}$/.test(e) || !/^[A-Za-z0-9_-]{1,100}$/.test(s)) return { ok: false, reason: 'malformed' };
  const expSec = Number(e);
  const claim: AckClaim = { alertId, recipient: r, expiresAtMs: expSec * 1000 };
  const expected = Buffer.from(signature(alertId, r, expSec, secret), 'utf8');
  const given = Buffer.from(s, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad-signature' };
  if (nowMs >= claim.expiresAtMs) return { ok: false, reason: 'expired', claim };
  return { ok: true, claim };
}
