import { fanOut } from '../../src/alerts/fan-out';
import type { AlertEvent } from '../../src/alerts/types';
import { parseMainConfig } from '../helpers/notifier-context';
import { makeAlert } from '../helpers/alert-fixtures';

const MIN = 60_000;
/** An instant at HH:MM Taipei time on 2026-03-02 (UTC+8, no daylight saving). */
const taipei = (hh: number, mm = 0): number => Date.UTC(2026, 2, 2, hh - 8, mm);
const NIGHT = { from: '22:00', to: '07:00' };

describe('fanOut', () => {
  const recipients = parseMainConfig({
    channels: {
      email: { smtp: { host: '127.0.0.1' }, from: 'a@b.example' },
      webhooks: { ops: { url: 'http://127.0.0.1:9/hook' } },
      slack: { room: { urlEnv: 'SLACK_URL' } },
      line: { tokenEnv: 'LINE_TOKEN' },
    },
    recipients: {
      'pr-lead': { name: '公關主管', email: ['pr@clinic.test'], webhooks: ['ops'], slack: ['room'], line: ['U' + 'a'.repeat(32)], quietHours: NIGHT },
      director: { email: ['director@clinic.test'] },
    },
  }).recipients;
  const event = (at: number, recipients: string[]): AlertEvent => ({ alertId: 'a-1', seq: 0, type: 'opened', at, recipients, toLevel: 'L2' });

  it('makes one delivery per recipient target on every channel, each with its own stable key', () => {
    const out = fanOut(makeAlert({ id: 'a-1', level: 'L2' }), [event(taipei(10), ['pr-lead', 'director'])], { recipients, timeZone: 'Asia/Taipei' });
    expect(out.map((d) => [d.channel, d.target, d.notice.recipient.id])).toEqual([
      ['email', 'pr@clinic.test', 'pr-lead'],
      ['webhook', 'ops', 'pr-lead'],
      ['slack', 'room', 'pr-lead'],
      ['line', 'U' + 'a'.repeat(32), 'pr-lead'],
      ['email', 'director@clinic.test', 'director'],
    ]);
    expect(new Set(out.map((d) => d.idempotencyKey)).size).toBe(5);
    expect(out.every((d) => d.notBeforeMs === undefined)).toBe(true);
  });

  it('holds the L2 deliveries of a recipient in quiet hours until 07:00, and not those of others', () => {
    const out = fanOut(makeAlert({ id: 'a-1', level: 'L2' }), [event(taipei(23, 10), ['pr-lead', 'director'])], { recipients, timeZone: 'Asia/Taipei' });
    expect(out.filter((d) => d.notice.recipient.id === 'pr-lead').map((d) => d.notBeforeMs)).toEqual([taipei(31), taipei(31), taipei(31), taipei(31)]);
    expect(out.find((d) => d.notice.recipient.id === 'director')!.notBeforeMs).toBeUndefined();
  });

  it('sends L3 at once even in quiet hours', () => {
    const out = fanOut(makeAlert({ id: 'a-1', level: 'L3' }), [event(taipei(23, 10), ['pr-lead'])], { recipients, timeZone: 'Asia/Taipei' });
    expect(out.every((d) => d.notBeforeMs === undefined)).toBe(true);
  });

  it('falls back to the alert’s drivers for terms and sources, and passes a reminder’s detail on', () => {
    const alert = makeAlert({ id: 'a-1', drivers: { topTerms: [{ term: '提告', count: 2 }], topSources: [{ site: 'PTT', count: 2 }] } });
    const reminder: AlertEvent = { ...event(taipei(10), ['director']), type: 'reminder', detail: { offsetMs: 2 * 60 * MIN } };
    const [d] = fanOut(alert, [reminder], { recipients, timeZone: 'Asia/Taipei' });
    expect(d!.notice).toMatchObject({ topTerms: [{ term: '提告', count: 2 }], topSources: [{ site: 'PTT', count: 2 }], eventDetail: { offsetMs: 2 * 60 * MIN } });
  });
});
