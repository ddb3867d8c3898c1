import { createHmac, timingSafeEqual } from 'node:crypto';
import { DeliveryError } from '../core/errors';

/**
 * Standard Webhooks v1 signatures (symmetric, HMAC-SHA256).
 *
 * Signed content: `{webhook-id}.{webhook-timestamp}.{body}` where the timestamp is Unix seconds and
 * the body is the exact bytes sent. The `webhook-signature` header is `v1,<base64 signature>`;
 * during key rotation it is a space-separated list and a receiver accepts any one that matches.
 *
 * Secrets: a string starting with `whsec_` is the standard form and the rest is base64 of the key
 * bytes; any other string is used as its UTF-8 bytes (so a plain passphrase from an environment
 * variable also works, as long as sender and receiver are given the same string).
 */

/** Key bytes of a webhook secret (see the module comment). @throws DeliveryError (not retryable) when empty. */
export function webhookSecretBytes(secret: string): Buffer {
  const bytes = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
  if (bytes.length === 0) throw new DeliveryError('Webhook 簽章金鑰是空的 (empty webhook secret)', { retryable: false });
  return bytes;
}

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  secret: string;
  /** The `webhook-id` header: our idempotency key, stable across retries. */
  msgId: string;
  /** The `webhook-timestamp` header, Unix seconds. */
  timestampSec: number;
  /** The exact body bytes sent. */
  body: string | Buffer;
}

/**
 * The `webhook-signature` value for one delivery: `v1,<base64 HMAC-SHA256>`.
 * @throws DeliveryError (not retryable) for an empty secret.
 */
export function signWebhook(input: SignWebhookInput): string {
  return `v1,${hmac(webhookSecretBytes(input.secret), input.msgId, input.timestampSec, input.body).toString('base64')}`;
}

/** Result of {@link verifyWebhook}: the verified id and timestamp, or why it was refused. */
export type WebhookVerification =
  | { ok: true; msgId: string; timestampSec: number }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' };

/** Input of {@link verifyWebhook}. */
export interface VerifyWebhookInput {
  secret: string;
  /** Request headers; names are matched case-insensitively (Node's IncomingHttpHeaders fits). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes as received (not re-serialised JSON). */
  body: string | Buffer;
  /** Current Unix time in seconds. */
  nowSec: number;
  /** Accepted clock difference either way, seconds (default 300, as the spec suggests). */
  toleranceSec?: number;
}

/**
 * Check a delivery the way a Standard Webhooks receiver does: all three headers present, the
 * timestamp within the tolerance (rejects replays of old deliveries and far-future ones), and at
 * least one `v1` signature in the list equal, in constant time, to the expected one.
 * Signatures of other versions (e.g. `v1a` ed25519) are ignored.
 * @throws DeliveryError (not retryable) for an empty secret.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  const key = webhookSecretBytes(input.secret);
  const msgId = header(input.headers, 'webhook-id');
  const ts = header(input.headers, 'webhook-timestamp');
  const sigs = header(input.headers, 'webhook-signature');
  if (!msgId || !ts || !sigs) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'bad-timestamp' };
  const timestampSec = Number(ts);
  if (Math.abs(input.nowSec - timestampSec) > (input.toleranceSec ?? 300)) return { ok: false, reason: 'stale-timestamp' };

  const expected = hmac(key, msgId, timestampSec, input.body);
  let matched = false;
  for (const entry of sigs.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const given = Buffer.from(entry.slice(comma + 1), 'base64');
    // Length is public (always 32 for HMAC-SHA256); the comparison of the bytes is constant-time.
    // No early exit, so the position of the valid signature in the list does not show in the timing.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? { ok: true, msgId, timestampSec } : { ok: false, reason: 'bad-signature' };
}

function hmac(key: Buffer, msgId: string, timestampSec: number, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${msgId}.${timestampSec}.`, 'utf8').update(body).digest();
}

function header(headers: VerifyWebhookInput['headers'], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    const value = Array.isArray(v) ? v.join(' ') : v;
    return value?.trim() || undefined;
  }
  return undefined;
}
