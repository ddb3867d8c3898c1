import type { Client } from '@elastic/elasticsearch';
import { IndexError } from '../../../src/store/elasticsearch/index-error';
import { indexLayout, mappedFields } from '../../../src/store/elasticsearch/index-layout';
import { formatSetupReport, setupIndices } from '../../../src/store/elasticsearch/setup';
import { connectTestNode, dropIndices, testIndexNames } from './es-test-env';

describe('yuqing es setup against a real node', () => {
  let client: Client;
  const names = testIndexNames();

  beforeAll(async () => {
    client = await connectTestNode();
  });
  afterEach(() => dropIndices(client, names));
  afterAll(() => client.close());

  it('creates both templates and the alerts index, then reports everything unchanged on a second run', async () => {
    const first = await setupIndices(client, names);
    expect(first.changed).toBe(true);
    expect(first.changes).toEqual([
      { kind: 'template', target: names.mentionsTemplate, action: 'created' },
      { kind: 'template', target: names.alertsTemplate, action: 'created' },
      { kind: 'index', target: names.alertsIndex, action: 'created' },
    ]);
    expect(formatSetupReport(first)[0]).toBe(`已建立 索引範本 ${names.mentionsTemplate} (created template)`);

    const second = await setupIndices(client, names);
    expect(second.changed).toBe(false);
    expect(second.changes).toEqual([
      { kind: 'template', target: names.mentionsTemplate, action: 'unchanged' },
      { kind: 'template', target: names.alertsTemplate, action: 'unchanged' },
      { kind: 'mapping', target: names.alertsIndex, action: 'unchanged' },
    ]);
  });

  it('gives a monthly index the committed settings, strict mapping and the read alias when it is first written', async () => {
    await setupIndices(client, names);
    const index = `${names.mentionIndexPrefix}2026.03`;
    await client.index({ index, id: 'm1', document: { id: 'm1', title: '範例診所醫療糾紛', at: '2026-03-02T01:00:00Z' }, refresh: true });

    const mapping = (await client.indices.getMapping({ index }))[index]!.mappings;
    expect(mapping.dynamic).toBe('strict');
    expect(Object.keys(mapping.properties ?? {}).sort()).toEqual(Object.keys(indexLayout(names)[0]!.body.template.mappings.properties).sort());
    const alias = await client.indices.getAlias({ name: names.mentionsAlias });
    expect(Object.keys(alias)).toEqual([index]);
    await expect(client.index({ index, document: { id: 'm2', unknownField: 1 } })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('analyses Chinese text with the cjk analyzer: overlapping bigrams, so a two-character query matches', async () => {
    await setupIndices(client, names);
    const index = `${names.mentionIndexPrefix}2026.03`;
    await client.index({ index, id: 'm1', document: { id: 'm1', title: '範例診所爆發醫療糾紛', at: '2026-03-02T01:00:00Z' }, refresh: true });
    await client.index({ index, id: 'm2', document: { id: 'm2', title: '範例診所環境乾淨', at: '2026-03-02T01:00:00Z' }, refresh: true });
    const tokens = await client.indices.analyze({ index, field: 'title', text: '醫療糾紛 Clinic' });
    expect(tokens.tokens?.map((t) => t.token)).toEqual(['醫療', '療糾', '糾紛', 'clinic']);

    const found = await client.search({ index: names.mentionsAlias, query: { match_phrase: { title: '糾紛' } } });
    expect(found.hits.hits.map((h) => h._id)).toEqual(['m1']);
    const exact = await client.search({ index: names.mentionsAlias, query: { term: { 'title.keyword': '範例診所環境乾淨' } } });
    expect(exact.hits.hits.map((h) => h._id)).toEqual(['m2']);
  });

  it('brings an index created by hand up to date: adds the missing fields and joins the alias', async () => {
    const index = `${names.mentionIndexPrefix}2025.12`;
    await client.indices.create({ index, mappings: { dynamic: 'strict', properties: { id: { type: 'keyword' } } } });
    const report = await setupIndices(client, names);
    expect(report.changes).toContainEqual({ kind: 'mapping', target: index, action: 'updated' });
    expect(report.changes).toContainEqual({ kind: 'alias', target: `${index} → ${names.mentionsAlias}`, action: 'created' });
    const props = (await client.indices.getMapping({ index }))[index]!.mappings.properties ?? {};
    expect(props.title).toMatchObject({ type: 'text', analyzer: 'cjk' });
    expect((await setupIndices(client, names)).changes).toContainEqual({ kind: 'mapping', target: index, action: 'unchanged' });
  });

  it('refuses, naming the index, a mapping Elasticsearch cannot change in place', async () => {
    const index = `${names.mentionIndexPrefix}2025.11`;
    await client.indices.create({ index, mappings: { properties: { title: { type: 'keyword' } } } });
    const err = await setupIndices(client, names).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexError);
    expect((err as IndexError).message).toContain(index);
    expect((err as IndexError).message).toContain('重建索引');
    expect((err as IndexError).code).toBe('E_STORE');
  });

  it('defines every field a dashboard may use in the committed mappings, sub-fields included', () => {
    const [mentions, alerts] = indexLayout(names);
    expect(mappedFields(mentions!)).toEqual(expect.arrayContaining(['title', 'title.keyword', 'body', 'author.keyword', 'rules.topics.risk', 'sentiment.label', 'engagement.pushes', 'at', 'riskRank']));
    expect(mappedFields(alerts!)).toEqual(expect.arrayContaining(['kind', 'level', 'at', 'signal.spikeRatio', 'evidence.url', 'delivery.outcome']));
  });
});
