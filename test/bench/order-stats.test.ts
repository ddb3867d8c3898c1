import { median, medianInterval } from '../../bench/order-stats';

describe('median', () => {
  it('takes the middle value, the upper middle for an even count, without reordering its input', () => {
    const xs = [5, 1, 4, 2, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
    expect(median([4, 1, 3, 2])).toBe(3);
  });
});

describe('medianInterval', () => {
  // 1..n out of order (odd places first, then even): the interval's ends are then the order statistics themselves.
  const shuffled = (n: number) => Array.from({ length: n }, (_, i) => i + 1).sort((a, b) => (a % 2) - (b % 2) || b - a);

  it('9 rounds: the 2nd and 8th values (misses the median with probability 2·10/512 = 3.9 %)', () => {
    expect(medianInterval(shuffled(9))).toEqual([2, 8]);
  });

  it('6 values: the extremes (2·1/64 = 3.1 %); 5 are too few for 95 % (2·1/32 = 6.25 %)', () => {
    expect(medianInterval(shuffled(6))).toEqual([1, 6]);
    expect(medianInterval(shuffled(5))).toBeUndefined();
    expect(medianInterval(shuffled(5), 0.9)).toEqual([1, 5]);
  });

  it('narrows with more values: 21 rounds give the 6th and 16th (2·P(B ≤ 5) = 2.7 %)', () => {
    expect(medianInterval(shuffled(21))).toEqual([6, 16]);
  });
});
