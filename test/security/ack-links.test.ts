import crypto from 'node:crypto';
import { signAck, verifyAck } from '../../src/server/ack-link';

/**
 * What the acknowledge links promise (src/server/ack-link.ts; the route is tested in
 * test/server/ack-link.test.ts): HMAC-SHA256 over alert, recipient and expiry, expiring, and
 * compared in constant time — the comparison goes through crypto.timingSafeEqual on buffers of
 * equal length, never through string equality that stops at the first differing character.
 */

const SECRET = 'k'.repeat(40);
const NOW = Date.UTC(2026, 2, 16, 2, 0);
const claim = { alertId: 'a-1', recipient: 'pr-lead', expiresAtMs: NOW + 3_600_000 };

describe('acknowledge links', () => {
  afterEach(() => jest.restoreAllMocks());

  it('compare the signature with timingSafeEqual on equal-length buffers, whatever the guess', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const good = signAck(claim, SECRET);
    const guesses = [good.s, `${good.s.slice(0, -1)}${good.s.endsWith('A') ? 'B' : 'A'}`, `B${good.s.slice(1)}`];
    const results = guesses.map((s) => verifyAck(claim.alertId, { ...good, s }, SECRET, NOW).ok);
    expect(results).toEqual([true, false, false]);
    expect(spy).toHaveBeenCalledTimes(3);
    for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });

  it('are bound to the alert, the recipient and the expiry, and stop working at the expiry', () => {
    const p = signAck(claim, SECRET);
    expect(verifyAck('a-1', p, SECRET, NOW)).toMatchObject({ ok: true });
    expect(verifyAck('a-2', p, SECRET, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck('a-1', { ...p, r: 'director' }, SECRET, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck('a-1', { ...p, e: String(Number(p.e) + 86_400) }, SECRET, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck('a-1', p, `${SECRET}x`, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(verifyAck('a-1', p, SECRET, claim.expiresAtMs)).toMatchObject({ ok: false, reason: 'expired' });
    expect(verifyAck('a-1', p, SECRET, claim.expiresAtMs - 1000)).toMatchObject({ ok: true });
  });

  it('are HMAC-SHA256 of a versioned text, so another format or hash never verifies', () => {
    const p = signAck(claim, SECRET);
    const expSec = Math.floor(claim.expiresAtMs / 1000);
    const expected = crypto.createHmac('sha256', SECRET).update(`yuqing-ack.v1\na-1\npr-lead\n${expSec}`, 'utf8').digest('base64url');
    expect(p.s).toBe(expected);
    const unversioned = crypto.createHmac('sha256', SECRET).update(`a-1\npr-lead\n${expSec}`, 'utf8').digest('base64url');
    expect(verifyAck('a-1', { ...p, s: unversioned }, SECRET, NOW).ok).toBe(false);
  });

  it('refuse signatures of another length without comparing, and junk without throwing', () => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    const p = signAck(claim, SECRET);
    expect(verifyAck('a-1', { ...p, s: p.s.slice(0, 10) }, SECRET, NOW).ok).toBe(false);
    expect(verifyAck('a-1', { ...p, s: '💥'.repeat(50) }, SECRET, NOW).ok).toBe(false);
    expect(verifyAck('a-1', { ...p, e: '1e99' }, SECRET, NOW).ok).toBe(false);
    expect(verifyAck('a-1', { r: p.r, e: p.e }, SECRET, NOW).ok).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });
});
