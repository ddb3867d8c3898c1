import { dashboardsImportCommand } from '../../src/cli/commands/dashboards';
import { memoryOutput } from '../../src/cli/output';
import { readSavedObjects } from '../../src/dashboards/bundle';
import { kibanaApiUrl, kibanaAuthFromEnv, parseImportResponse } from '../../src/dashboards/kibana-import';
import { startFakeKibana, type FakeKibana } from '../helpers/fake-kibana';

const SHIPPED = readSavedObjects();
const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';

describe('yuqing dashboards import (against a local server that checks requests as Kibana documents them)', () => {
  let kibana: FakeKibana;
  afterEach(() => kibana?.stop());

  it('sends the NDJSON as one multipart file part with kbn-xsrf and the API key, and reports every object as created', async () => {
    kibana = await startFakeKibana({ authorization: `ApiKey ${API_KEY}` });
    const out = memoryOutput();
    const code = await dashboardsImportCommand({ kibana: kibana.url }, out, { env: { YUQING_KIBANA_API_KEY: API_KEY } });
    expect(out.stderr).toEqual([]);
    expect(code).toBe(0);
    const [req] = kibana.requests;
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/api/saved_objects/_import');
    expect(req!.headers['kbn-xsrf']).toBe('true');
    expect(req!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const stored = kibana.spaces.get('default')!;
    expect([...stored.keys()].sort()).toEqual(SHIPPED.map((o) => `${o.type}/${o.id}`).sort());
    expect(stored.get('dashboard/yuqing-dashboard-overview')).toEqual(JSON.parse(JSON.stringify(SHIPPED.find((o) => o.id === 'yuqing-dashboard-overview'))));
    const text = out.stdout.join('\n');
    expect(text).toContain(`新建立 (created) ${SHIPPED.length}`);
    expect(text).toContain('+ dashboard/yuqing-dashboard-overview「輿情總覽」');
    expect(text).not.toContain('已取代');
  });

  it('imports into a space under /s/<space> with basic auth, and with --overwrite reports existing objects as replaced', async () => {
    const basic = `Basic ${Buffer.from('elastic:s3cret', 'utf8').toString('base64')}`;
    kibana = await startFakeKibana({ authorization: basic, spaces: ['default', 'clinic'] });
    const env = { YUQING_KIBANA_USERNAME: 'elastic', YUQING_KIBANA_PASSWORD: 's3cret' };
    expect(await dashboardsImportCommand({ kibana: `${kibana.url}/`, space: 'clinic' }, memoryOutput(), { env })).toBe(0);
    const out = memoryOutput();
    expect(await dashboardsImportCommand({ kibana: kibana.url, space: 'clinic', overwrite: true }, out, { env })).toBe(0);
    expect(kibana.requests.map((r) => r.url)).toEqual(['/s/clinic/api/saved_objects/_import', '/s/clinic/api/saved_objects/_import?overwrite=true']);
    expect(kibana.spaces.get('default')!.size).toBe(0);
    const text = out.stdout.join('\n');
    expect(text).toContain(`已取代 (replaced) ${SHIPPED.length}`);
    expect(text).toContain('~ lens/yuqing-lens-crisis-timeline「危機等級時間軸」');
    expect(text).not.toContain('新建立 (created)');
    expect(text).toContain(`新建立 0、取代 ${SHIPPED.length}`);
  });

  it('without --overwrite, objects that already exist come back as conflicts: named, with the hint, exit 1', async () => {
    kibana = await startFakeKibana();
    expect(await dashboardsImportCommand({ kibana: kibana.url }, memoryOutput(), { env: {} })).toBe(0);
    const out = memoryOutput();
    expect(await dashboardsImportCommand({ kibana: kibana.url }, out, { env: {} })).toBe(1);
    const err = out.stderr.join('\n');
    expect(err).toContain(`未匯入 (failed) ${SHIPPED.length}`);
    expect(err).toContain('dashboard/yuqing-dashboard-incident「事件調查」：conflict — 已存在；加上 --overwrite 取代');
    expect(kibana.requests[1]!.url).toBe('/api/saved_objects/_import');
  });

  it('reports a 401 with a hint about the credentials and exits 1', async () => {
    kibana = await startFakeKibana({ authorization: `ApiKey ${API_KEY}` });
    const out = memoryOutput();
    expect(await dashboardsImportCommand({ kibana: kibana.url }, out, { env: { YUQING_KIBANA_API_KEY: 'wrong' } })).toBe(1);
    expect(out.stderr.join('\n')).toMatch(/Kibana 回應 HTTP 401：未通過驗證.*security_exception/);
    expect(kibana.spaces.get('default')!.size).toBe(0);
  });

  it('reports a space Kibana does not have as 404', async () => {
    kibana = await startFakeKibana();
    const out = memoryOutput();
    expect(await dashboardsImportCommand({ kibana: kibana.url, space: 'nope' }, out, { env: {} })).toBe(1);
    expect(out.stderr.join('\n')).toContain('HTTP 404：找不到：Kibana 網址或 space 不存在');
  });

  it('points the data views at another index prefix, ids unchanged', async () => {
    kibana = await startFakeKibana();
    expect(await dashboardsImportCommand({ kibana: kibana.url, indexPrefix: 'clinic2' }, memoryOutput(), { env: {} })).toBe(0);
    const stored = kibana.spaces.get('default')!;
    expect((stored.get('index-pattern/yuqing-mentions')!.attributes as { title: string }).title).toBe('clinic2-mentions-*');
    expect((stored.get('index-pattern/yuqing-alerts')!.attributes as { title: string }).title).toBe('clinic2-alerts');
  });

  it('with --cross-index-filters also turns on courier:ignoreFilterIfFieldNotInIndex in that space', async () => {
    kibana = await startFakeKibana({ spaces: ['default', 'clinic'] });
    expect(await dashboardsImportCommand({ kibana: kibana.url, space: 'clinic', crossIndexFilters: true }, memoryOutput(), { env: {} })).toBe(0);
    expect(kibana.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /s/clinic/api/saved_objects/_import', 'POST /s/clinic/api/kibana/settings']);
    expect(kibana.settings.get('clinic')).toEqual({ 'courier:ignoreFilterIfFieldNotInIndex': true });
  });
});

describe('Kibana import helpers', () => {
  it('builds API URLs with and without a space, keeping a path prefix', () => {
    expect(kibanaApiUrl('http://127.0.0.1:5601/', undefined, '/api/x')).toBe('http://127.0.0.1:5601/api/x');
    expect(kibanaApiUrl('https://kb.example/kibana/', 'default', '/api/x')).toBe('https://kb.example/kibana/api/x');
    expect(kibanaApiUrl('https://kb.example/kibana', 'pr-team', '/api/x')).toBe('https://kb.example/kibana/s/pr-team/api/x');
    expect(() => kibanaApiUrl('ftp://kb', undefined, '/')).toThrow(/http\(s\)/);
    expect(() => kibanaApiUrl('http://kb', '../admin', '/')).toThrow(/space/);
  });

  it('takes an API key over user and password, and refuses half a login', () => {
    expect(kibanaAuthFromEnv({ YUQING_KIBANA_API_KEY: 'k', YUQING_KIBANA_USERNAME: 'u', YUQING_KIBANA_PASSWORD: 'p' })).toEqual({ kind: 'api-key', apiKey: 'k' });
    expect(kibanaAuthFromEnv({ YUQING_KIBANA_USERNAME: 'u', YUQING_KIBANA_PASSWORD: 'p' })).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(kibanaAuthFromEnv({})).toEqual({ kind: 'none' });
    expect(() => kibanaAuthFromEnv({ YUQING_KIBANA_USERNAME: 'u' })).toThrow(/YUQING_KIBANA_PASSWORD/);
  });

  it('reads missing references and unknown answers as failures', () => {
    const r = parseImportResponse(JSON.stringify({ success: false, successCount: 0, errors: [{ id: 'd', type: 'dashboard', meta: { title: 'T' }, error: { type: 'missing_references', references: [{ type: 'lens', id: 'l1' }] } }] }));
    expect(r).toEqual({ success: false, created: [], replaced: [], failed: [{ type: 'dashboard', id: 'd', title: 'T', reason: 'missing_references', message: '缺少 lens/l1' }] });
    expect(parseImportResponse('<html>proxy error</html>').failed[0]!.reason).toBe('invalid_response');
  });
});
