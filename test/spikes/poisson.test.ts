import { logFactorial, poissonUpperTail } from '../../src/spikes/poisson';

/** Reference by plain summation of the lower tail; fine for λ ≤ 700 where e^-λ is still a normal double. */
function naiveUpperTail(k: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let lower = 0;
  for (let i = 0; i < k; i++) {
    lower += term;
    term *= lambda / (i + 1);
  }
  return 1 - lower;
}

describe('poissonUpperTail', () => {
  it('is 1 for zero events and 1 - e^-λ for at least one', () => {
    expect(poissonUpperTail(0, 0.2)).toBe(1);
    expect(poissonUpperTail(1, 0.2)).toBeCloseTo(1 - Math.exp(-0.2), 15);
  });

  it('matches the closed form for small counts at λ = 0.2', () => {
    const expected = 1 - Math.exp(-0.2) * (1 + 0.2 + 0.02);
    expect(poissonUpperTail(3, 0.2) / expected).toBeCloseTo(1, 12);
  });

  it('decreases strictly with the count and stays in (0, 1] at λ = 0.2', () => {
    let previous = 1;
    for (let k = 1; k <= 20; k++) {
      const p = poissonUpperTail(k, 0.2);
      expect(p).toBeLessThan(previous);
      expect(p).toBeGreaterThan(0);
      previous = p;
    }
    expect(previous).toBeLessThan(1e-25);
  });

  it('agrees with plain summation at λ = 200 on both sides of the mean', () => {
    for (const k of [1, 150, 180, 199, 200, 201, 220, 260]) {
      expect(Math.abs(poissonUpperTail(k, 200) - naiveUpperTail(k, 200))).toBeLessThan(1e-12);
    }
    expect(poissonUpperTail(200, 200)).toBeGreaterThan(0.5);
    expect(poissonUpperTail(200, 200)).toBeLessThan(0.53);
  });

  it('decreases monotonically at λ = 200 from 1 towards 0', () => {
    let previous = 1;
    for (let k = 0; k <= 400; k++) {
      const p = poissonUpperTail(k, 200);
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
    expect(poissonUpperTail(100, 200)).toBeGreaterThan(1 - 1e-12);
    expect(previous).toBeLessThan(1e-30);
  });

  it('keeps far tails finite and ordered for large counts (no overflow or NaN)', () => {
    const far = poissonUpperTail(12_000, 10_000);
    const farther = poissonUpperTail(13_000, 10_000);
    expect(far).toBeGreaterThan(0);
    expect(far).toBeLessThan(1e-50);
    expect(farther).toBeLessThan(far);
    expect(poissonUpperTail(9_000, 10_000)).toBeGreaterThan(1 - 1e-15);
    expect(poissonUpperTail(9_000, 10_000)).toBeLessThanOrEqual(1);
  });

  it('rounds a fractional count up and treats λ = 0 as impossible', () => {
    expect(poissonUpperTail(2.5, 1)).toBe(poissonUpperTail(3, 1));
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonUpperTail(0, 0)).toBe(1);
  });
});

describe('logFactorial', () => {
  it('is exact for small n and continuous across the table boundary', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 14);
    // Differences of values near 1 000 keep about 12 significant digits after rounding.
    expect(logFactorial(256) - logFactorial(255)).toBeCloseTo(Math.log(256), 11);
    expect(logFactorial(1000) - logFactorial(999)).toBeCloseTo(Math.log(1000), 11);
  });
});
