import type { Client } from '@elastic/elasticsearch';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../src/cli/main';
import { memoryOutput } from '../../../src/cli/output';
import { systemClock } from '../../../src/core/clock';
import { IndexSpoolRepo } from '../../../src/store/index-spool-repo';
import { openStateStore } from '../../../src/store/state-store';
import { connectTestNode, dropIndices, testIndexNames } from './es-test-env';

describe('yuqing es (setup, status, requeue)', () => {
  let client: Client;
  const names = testIndexNames();
  const dir = mkdtempSync(join(tmpdir(), 'yuqing-es-cli-'));
  const config = join(dir, 'yuqing.yaml');

  beforeAll(async () => {
    client = await connectTestNode();
    mkdirSync(join(dir, 'connectors'));
    writeFileSync(
      config,
      [
        'storage: { sqlitePath: yuqing.db }',
        `paths: { rules: ${JSON.stringify(resolve(__dirname, '../../../rules'))}, connectors: connectors }`,
        'elasticsearch: { urlEnv: YUQING_TEST_ES_URL, indexPrefix: ' + names.prefix + ' }',
        'recipients: { pr-lead: {}, legal: {}, director: {}, frontline: {} }',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await dropIndices(client, names);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (...args: string[]) => {
    const out = memoryOutput();
    const code = await main(['node', 'yuqing', '-c', config, ...args], out);
    return { code, stdout: out.stdout.join('\n'), stderr: out.stderr.join('\n') };
  };

  it('setup prints what it created, then that nothing changed', async () => {
    const first = await run('es', 'setup');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`已建立 索引範本 ${names.mentionsTemplate} (created template)`);
    expect(first.stdout).toContain(`已建立 索引 ${names.alertsIndex} (created index)`);
    const second = await run('es', 'setup');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('已是最新，沒有變更 (already up to date)');
    expect(second.stdout).not.toContain('已建立');
  });

  it('status shows the node, the spool and every dead letter with its reason; requeue puts them back', async () => {
    await run('es', 'setup');
    const store = openStateStore({ path: join(dir, 'yuqing.db'), clock: systemClock, storeMentionDocuments: false });
    const spool = new IndexSpoolRepo(store.db);
    spool.enqueue({ index: `${names.mentionIndexPrefix}2026.03`, id: 'm-bad', doc: { id: 'm-bad' } }, systemClock.now());
    const [row] = spool.claim(systemClock.now(), 1, 1 << 20);
    spool.settle({ done: [], retry: [], rejected: [{ seq: row!.seq, status: 400, errorType: 'document_parsing_exception', reason: 'failed to parse field [engagement.likes]' }] }, systemClock.now());
    store.close();

    const status = await run('es', 'status');
    expect(status.code).toBe(1); // a dead letter needs attention
    expect(status.stdout).toContain(`Elasticsearch ${process.env.YUQING_TEST_ES_URL}：`);
    expect(status.stdout).toContain('索引佇列：0 筆待寫');
    expect(status.stdout).toContain('遭拒文件 (dead letters)：1');
    expect(status.stdout).toContain(`${names.mentionIndexPrefix}2026.03/m-bad`);
    expect(status.stdout).toContain('[400 document_parsing_exception] failed to parse field [engagement.likes]');

    expect((await run('es', 'requeue', 'x1')).code).toBe(1);
    const requeued = await run('es', 'requeue');
    expect(requeued).toMatchObject({ code: 0 });
    expect(requeued.stdout).toContain('已將 1 筆遭拒文件放回索引佇列');
    const after = await run('es', 'status');
    expect(after.stdout).toContain('索引佇列：1 筆待寫');
    expect(after.stdout).toContain('遭拒文件 (dead letters)：0');
  });

  it('says so when the config has no elasticsearch block', async () => {
    const plain = join(dir, 'plain.yaml');
    writeFileSync(plain, [`paths: { rules: ${JSON.stringify(resolve(__dirname, '../../../rules'))}, connectors: connectors }`, 'recipients: { pr-lead: {}, legal: {}, director: {}, frontline: {} }'].join('\n'));
    const out = memoryOutput();
    expect(await main(['node', 'yuqing', '-c', plain, 'es', 'setup'], out)).toBe(1);
    expect(out.stderr.join('\n')).toContain('沒有 elasticsearch 區塊');
  });
});
