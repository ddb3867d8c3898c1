import { closestName, editDistance } from '../../src/crisis/closest-name';

describe('closestName', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('riks', 'risk')).toBe(1);
    expect(editDistance('mention', 'mentions')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the nearest candidate, ignoring case', () => {
    expect(closestName('SPIKERATOI', ['mentions', 'spikeRatio'])).toBe('spikeRatio');
  });

  it('suggests nothing when every candidate is too far to be a typo', () => {
    expect(closestName('followers', ['mentions', 'risk'])).toBeUndefined();
  });
});
