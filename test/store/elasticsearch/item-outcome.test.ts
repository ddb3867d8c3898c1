import { classifyItem } from '../../../src/store/elasticsearch/item-outcome';

describe('classifyItem (one row per line of the outcome table)', () => {
  const parse = { type: 'document_parsing_exception', reason: 'failed to parse field [engagement.likes]', caused_by: { type: 'illegal_argument_exception', reason: 'out of range' } };

  it.each([
    [200, undefined, false, 'indexed'],
    [201, undefined, true, 'indexed'],
    [409, { type: 'version_conflict_engine_exception', reason: 'newer' }, true, 'superseded'],
    [409, { type: 'version_conflict_engine_exception', reason: 'odd' }, false, 'retry'],
    [400, parse, false, 'rejected'],
    [429, { type: 'es_rejected_execution_exception', reason: 'queue full' }, false, 'retry'],
    [503, { type: 'unavailable_shards_exception', reason: 'primary not active' }, false, 'retry'],
    [403, { type: 'cluster_block_exception', reason: 'index read-only' }, false, 'retry'],
    [404, { type: 'index_not_found_exception', reason: 'no such index' }, false, 'retry'],
    [500, { type: 'exception', reason: 'boom' }, false, 'retry'],
  ])('status %i (%j, versioned %s) → %s', (status, error, versioned, kind) => {
    expect(classifyItem(status, error, versioned).kind).toBe(kind);
  });

  it('keeps the type and the cause in the reason of a rejection', () => {
    expect(classifyItem(400, parse, false)).toEqual({
      kind: 'rejected',
      status: 400,
      errorType: 'document_parsing_exception',
      reason: 'failed to parse field [engagement.likes] (illegal_argument_exception: out of range)',
    });
  });

  it('marks only 429 and 502–504 as overload, which slows the indexer down', () => {
    const overloaded = (s: number) => {
      const o = classifyItem(s, { type: 'x' }, false);
      return o.kind === 'retry' && o.overloaded;
    };
    expect([429, 502, 503, 504].map(overloaded)).toEqual([true, true, true, true]);
    expect([403, 404, 500].map(overloaded)).toEqual([false, false, false]);
  });
});
