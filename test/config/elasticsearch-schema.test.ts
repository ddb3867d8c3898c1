import { elasticsearchConfigSchema } from '../../src/config/elasticsearch-schema';
import { mainConfigSchema } from '../../src/config/main-schema';

describe('the elasticsearch block of the main config', () => {
  it('is optional: without it SQLite keeps the mentions', () => {
    expect(mainConfigSchema.parse({}).elasticsearch).toBeUndefined();
  });

  it('fills every default from a URL alone', () => {
    expect(elasticsearchConfigSchema.parse({ url: 'http://127.0.0.1:9200' })).toEqual({
      url: 'http://127.0.0.1:9200',
      indexPrefix: 'yuqing',
      requestTimeoutMs: 30_000,
      retentionDays: 400,
      bulk: { maxDocs: 500, maxBytes: 5 * 1024 * 1024, idleMs: 1_000 },
      retry: { initialBackoffMs: 500, maxBackoffMs: 30_000 },
      spoolHighWater: 20_000,
    });
  });

  it.each([
    [{}, 'url'],
    [{ url: 'http://a:9200', urlEnv: 'ES_URL' }, 'url'],
    [{ urlEnv: 'ES_URL', apiKeyEnv: 'K', usernameEnv: 'U', passwordEnv: 'P' }, 'apiKeyEnv'],
    [{ urlEnv: 'ES_URL', usernameEnv: 'U' }, 'passwordEnv'],
    [{ urlEnv: 'es_url' }, '環境變數名稱'],
    [{ url: 'http://a:9200', indexPrefix: 'Yuqing*' }, '小寫'],
    [{ url: 'http://a:9200', bulk: { maxDocs: 0 } }, ''],
  ])('rejects %j and says why', (input, words) => {
    const r = elasticsearchConfigSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(words);
  });
});
