import { createHmac, randomBytes } from 'node:crypto';
import { signWebhook, verifyWebhook } from '../../src/alerts/webhook-signature';
import { DeliveryError } from '../../src/core/errors';

const KEY = Buffer.from('yuqing-test-key-0123456789abcdef', 'utf8');
const SECRET = `whsec_${KEY.toString('base64')}`;
const MSG_ID = 'alert-1:1:pr-lead:webhook';
const TS = 1_763_705_100;
const BODY = JSON.stringify({ type: 'alert.opened', data: { 名稱: '範例診所' } });

/** Computed here, independently of the module: HMAC-SHA256 over `id.timestamp.body`, base64. */
function expectedSignature(key: Buffer, body: string = BODY, ts: number = TS, id: string = MSG_ID): string {
  return 'v1,' + createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
}

function headersFor(signature: string, ts: number = TS): Record<string, string> {
  return { 'Webhook-Id': MSG_ID, 'Webhook-Timestamp': String(ts), 'Webhook-Signature': signature };
}

describe('signWebhook', () => {
  it('matches an HMAC computed independently for a whsec_ secret (base64-decoded key)', () => {
    expect(signWebhook({ secret: SECRET, msgId: MSG_ID, timestampSec: TS, body: BODY })).toBe(expectedSignature(KEY));
  });

  it('uses the UTF-8 bytes of a secret without the whsec_ prefix', () => {
    const plain = '診所密語-passphrase';
    expect(signWebhook({ secret: plain, msgId: MSG_ID, timestampSec: TS, body: BODY })).toBe(expectedSignature(Buffer.from(plain, 'utf8')));
  });

  it('signs the exact bytes: a Buffer body gives the same signature as its string', () => {
    const fromBuffer = signWebhook({ secret: SECRET, msgId: MSG_ID, timestampSec: TS, body: Buffer.from(BODY, 'utf8') });
    expect(fromBuffer).toBe(expectedSignature(KEY));
  });

  it('refuses an empty secret with a non-retryable DeliveryError', () => {
    let thrown: unknown;
    try {
      signWebhook({ secret: 'whsec_', msgId: MSG_ID, timestampSec: TS, body: BODY });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DeliveryError);
    expect((thrown as DeliveryError).retryable).toBe(false);
  });
});

describe('verifyWebhook', () => {
  it('accepts a valid signature, with header names in any case', () => {
    const result = verifyWebhook({ secret: SECRET, headers: headersFor(expectedSignature(KEY)), body: BODY, nowSec: TS + 10 });
    expect(result).toEqual({ ok: true, msgId: MSG_ID, timestampSec: TS });
  });

  it('rejects a signature made with another secret', () => {
    const other = randomBytes(32);
    const result = verifyWebhook({ secret: SECRET, headers: headersFor(expectedSignature(other)), body: BODY, nowSec: TS });
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a body changed after signing', () => {
    const result = verifyWebhook({ secret: SECRET, headers: headersFor(expectedSignature(KEY)), body: BODY.replace('範例', '別的'), nowSec: TS });
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a timestamp outside the tolerance, in the past and in the future', () => {
    const sig = expectedSignature(KEY);
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(sig), body: BODY, nowSec: TS + 301 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(sig), body: BODY, nowSec: TS - 301 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(sig), body: BODY, nowSec: TS + 60, toleranceSec: 30 })).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(sig), body: BODY, nowSec: TS + 300 }).ok).toBe(true);
  });

  it('accepts a rotated list when any one v1 signature matches, ignoring other versions', () => {
    const oldKey = randomBytes(32);
    const list = `v1a,${randomBytes(64).toString('base64')} ${expectedSignature(oldKey)} ${expectedSignature(KEY)}`;
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(list), body: BODY, nowSec: TS }).ok).toBe(true);
    // …and the same list verifies for a receiver still holding the old key
    expect(verifyWebhook({ secret: `whsec_${oldKey.toString('base64')}`, headers: headersFor(list), body: BODY, nowSec: TS }).ok).toBe(true);
  });

  it('does not accept a v1a entry carrying the v1 HMAC', () => {
    const disguised = expectedSignature(KEY).replace(/^v1,/, 'v1a,');
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(disguised), body: BODY, nowSec: TS })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects missing headers and a malformed timestamp', () => {
    expect(verifyWebhook({ secret: SECRET, headers: { 'webhook-id': MSG_ID }, body: BODY, nowSec: TS })).toEqual({ ok: false, reason: 'missing-headers' });
    const badTs = { ...headersFor(expectedSignature(KEY)), 'Webhook-Timestamp': '17e8' };
    expect(verifyWebhook({ secret: SECRET, headers: badTs, body: BODY, nowSec: TS })).toEqual({ ok: false, reason: 'bad-timestamp' });
  });
});
