import { StoreError } from '../../../src/core/errors';
import { elasticsearchConfigSchema } from '../../../src/config/elasticsearch-schema';
import { createEsClient, esUrl, redactedUrl } from '../../../src/store/elasticsearch/es-client';

describe('the Elasticsearch client from the config', () => {
  it('masks credentials written into a node URL and leaves others alone', () => {
    expect(redactedUrl('http://yuqing:s3cret@elasticsearch:9200')).toBe('http://***:***@elasticsearch:9200');
    expect(redactedUrl('http://127.0.0.1:9200')).toBe('http://127.0.0.1:9200');
    expect(redactedUrl('not a url')).toBe('(invalid URL)');
  });

  it('reads the URL from the named environment variable', () => {
    expect(esUrl({ urlEnv: 'YQ_URL' }, { YQ_URL: 'http://es:9200' })).toBe('http://es:9200');
  });

  it.each([
    [{ urlEnv: 'YQ_URL' }, {}, 'YQ_URL'],
    [{ url: 'http://es:9200', usernameEnv: 'YQ_USER', passwordEnv: 'YQ_PW' }, { YQ_USER: 'yuqing' }, 'YQ_PW'],
    [{ url: 'http://es:9200', apiKeyEnv: 'YQ_KEY' }, { YQ_KEY: '' }, 'YQ_KEY'],
  ])('names the unset environment variable %j', (raw, env, name) => {
    const config = elasticsearchConfigSchema.parse(raw);
    expect(() => createEsClient(config, { env, baseDir: '/tmp' })).toThrow(StoreError);
    expect(() => createEsClient(config, { env, baseDir: '/tmp' })).toThrow(name);
  });

  it('says which CA file it cannot read', () => {
    const config = elasticsearchConfigSchema.parse({ url: 'https://es:9200', caFile: 'certs/missing-ca.crt' });
    expect(() => createEsClient(config, { env: {}, baseDir: '/nonexistent' })).toThrow('/nonexistent/certs/missing-ca.crt');
  });
});
