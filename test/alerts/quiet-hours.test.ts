import { quietUntil } from '../../src/alerts/quiet-hours';

/** An instant at HH:MM Taipei time on 2026-03-02 (UTC+8, no daylight saving). */
const taipei = (hh: number, mm = 0): number => Date.UTC(2026, 2, 2, hh - 8, mm);
const NIGHT = { from: '22:00', to: '07:00' };

describe('quietUntil', () => {
  it('holds an L1/L2 notice sent inside quiet hours that span midnight until they end', () => {
    expect(quietUntil(taipei(23, 30), NIGHT, 'L2', 'Asia/Taipei')).toBe(taipei(31, 0)); // 07:00 the next day
    expect(quietUntil(taipei(3, 15), NIGHT, 'L1', 'Asia/Taipei')).toBe(taipei(7, 0));
  });

  it('lets a notice outside quiet hours go at once, including on the end minute', () => {
    expect(quietUntil(taipei(7, 0), NIGHT, 'L1', 'Asia/Taipei')).toBeUndefined();
    expect(quietUntil(taipei(21, 59), NIGHT, 'L1', 'Asia/Taipei')).toBeUndefined();
    expect(quietUntil(taipei(22, 0), NIGHT, 'L1', 'Asia/Taipei')).toBe(taipei(31, 0));
  });

  it('never mutes L3', () => {
    expect(quietUntil(taipei(2, 0), NIGHT, 'L3', 'Asia/Taipei')).toBeUndefined();
  });

  it('handles quiet hours within one day and a recipient in another zone', () => {
    const lunch = { from: '12:00', to: '13:30' };
    expect(quietUntil(taipei(12, 45), lunch, 'L2', 'Asia/Taipei')).toBe(taipei(13, 30));
    expect(quietUntil(taipei(14, 0), lunch, 'L2', 'Asia/Taipei')).toBeUndefined();
    // 22:00–07:00 in Tokyo (UTC+9) is 21:00–06:00 in Taipei.
    expect(quietUntil(taipei(21, 30), { ...NIGHT, timeZone: 'Asia/Tokyo' }, 'L1', 'Asia/Taipei')).toBe(taipei(30, 0));
  });

  it('is off without quiet hours', () => {
    expect(quietUntil(taipei(3, 0), undefined, 'L1', 'Asia/Taipei')).toBeUndefined();
  });
});
