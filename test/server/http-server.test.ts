import { request } from 'node:http';
import { silentLogger } from '../../src/core/logger';
import { HttpServer, type HealthReport } from '../../src/server/http-server';
import { Metrics } from '../../src/server/metrics';

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('daemon HTTP server', () => {
  let health: HealthReport = { status: 'ok' };
  const metrics = new Metrics();
  const server = new HttpServer({ host: '127.0.0.1', port: 0, log: silentLogger(), metrics, health: () => health });
  let port = 0;
  let address = '';

  beforeAll(async () => {
    ({ port, address } = await server.start());
  });
  afterAll(() => server.stop());

  it('listens on the configured loopback address and a free port', () => {
    expect(address).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
  });

  it('reports health as JSON: 200 when ok or degraded, 503 when down', async () => {
    health = { status: 'degraded', sources: [{ connector: 'ptt', status: 'failing' }] };
    const r = await get(port, '/healthz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'degraded', sources: [{ connector: 'ptt' }] });
    health = { status: 'down' };
    expect((await get(port, '/healthz')).status).toBe(503);
  });

  it('serves Prometheus metrics with the daemon counters', async () => {
    metrics.connectorRuns.inc({ connector: 'ptt', outcome: 'failed' });
    const r = await get(port, '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/plain');
    expect(r.body).toContain('yuqing_connector_runs_total{connector="ptt",outcome="failed"} 1');
  });

  it('answers 404 for unknown paths and 405 for writes', async () => {
    expect((await get(port, '/nope')).status).toBe(404);
    expect((await get(port, '/healthz', 'POST')).status).toBe(405);
  });
});
