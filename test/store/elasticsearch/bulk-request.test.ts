import { bulkBody } from '../../../src/store/elasticsearch/bulk-request';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openDatabase } from '../../../src/store/database';

const T0 = Date.UTC(2026, 2, 2, 8, 0);

describe('bulkBody', () => {
  it('is the NDJSON of the claimed rows, byte for byte: action line, stored document, newline each', () => {
    const spool = new IndexSpoolRepo(openDatabase(':memory:'));
    const docs = [
      { id: 'm1', title: '診所醫療糾紛 😡 退費', note: 'line\nbreak "quoted"' },
      { key: 'alert-1', state: 'open' },
    ];
    spool.enqueueMany(
      [
        { index: 'yuqing-mentions-2026.03', id: 'm1', doc: docs[0] },
        { index: 'yuqing-alerts', id: '警報-1', doc: docs[1], version: 7 },
      ],
      T0,
    );
    const rows = spool.claim(T0, 10, 1 << 20);
    const body = bulkBody(rows);
    expect(body.toString('utf8')).toBe(
      [
        JSON.stringify({ index: { _index: 'yuqing-mentions-2026.03', _id: 'm1' } }),
        JSON.stringify(docs[0]),
        JSON.stringify({ index: { _index: 'yuqing-alerts', _id: '警報-1', version: 7, version_type: 'external_gte' } }),
        JSON.stringify(docs[1]),
        '',
      ].join('\n'),
    );
    // Every line parses back to what was spooled (the bytes were copied, not re-encoded wrongly).
    const lines = body.toString('utf8').split('\n');
    expect(JSON.parse(lines[1]!)).toEqual(docs[0]);
    expect(JSON.parse(lines[3]!)).toEqual(docs[1]);
  });

  it('is empty for no rows', () => {
    expect(bulkBody([]).length).toBe(0);
  });
});
