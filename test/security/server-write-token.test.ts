import { request } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { writeTokenWarnings } from '../../src/cli/commands/validate';
import type { Project } from '../../src/config/load';
import { mainConfigSchema } from '../../src/config/main-schema';
import { silentLogger } from '../../src/core/logger';
import type { Route } from '../../src/server/ack-handler';
import { HttpServer } from '../../src/server/http-server';
import { Metrics } from '../../src/server/metrics';
import { checkWriteToken, isLoopbackHost, presentedToken, writeTokenFromEnv, writeVerdict } from '../../src/server/write-token';

const TOKEN = 'tok-7f3a9c1e5b2d4f60a8e1c3b5d7f9a2c4';

function send(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? 'note=x' : undefined);
  });
}

/** A route that records every request it is handed (so we can see what got past the gate). */
function recordingRoute(prefix: string, selfAuthenticating = false): Route & { handled: string[] } {
  const handled: string[] = [];
  return {
    prefix,
    methods: ['GET', 'POST'],
    selfAuthenticating,
    handled,
    async handle(req, res) {
      handled.push(`${req.method} ${req.url}`);
      res.writeHead(200).end('done');
    },
  };
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the write-token gate (decision table)', () => {
  it.each([
    ['loopback, no token: allowed', { host: '127.0.0.1' }, true, undefined],
    ['::1, no token: allowed', { host: '::1' }, true, undefined],
    ['localhost, no token: allowed', { host: 'localhost' }, true, undefined],
    ['0.0.0.0, no token: refused 403', { host: '0.0.0.0' }, false, 403],
    ['a LAN address, no token: refused 403', { host: '192.168.1.20' }, false, 403],
    ['loopback, token configured but unusable: refused 403', { host: '127.0.0.1', requireToken: true }, false, 403],
    ['0.0.0.0, token, none presented: 401', { host: '0.0.0.0', token: TOKEN }, false, 401],
    ['0.0.0.0, token, wrong bearer: 401', { host: '0.0.0.0', token: TOKEN, authorization: `Bearer ${TOKEN}x` }, false, 401],
    ['0.0.0.0, token, right bearer: allowed', { host: '0.0.0.0', token: TOKEN, authorization: `Bearer ${TOKEN}` }, true, undefined],
    ['0.0.0.0, token, Basic with the token as password: allowed', { host: '0.0.0.0', token: TOKEN, authorization: basic('王經理', TOKEN) }, true, undefined],
    ['0.0.0.0, token, Basic with the token as user name: 401', { host: '0.0.0.0', token: TOKEN, authorization: basic(TOKEN, 'x') }, false, 401],
    ['loopback with a token set: the token is still asked for', { host: '127.0.0.1', token: TOKEN }, false, 401],
  ])('%s', (_name, input, allow, status) => {
    const v = writeVerdict(input);
    expect(v.allow).toBe(allow);
    if (!v.allow) expect(v.status).toBe(status);
  });

  it('tells loopback listening addresses from the others', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1', 'LOCALHOST'].map(isLoopbackHost)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', 'yuqing.clinic.example', '169.254.1.1'].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });

  it('reads the token from Bearer and from Basic (password part), nothing else', () => {
    expect(presentedToken(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(presentedToken(`bearer   ${TOKEN}`)).toBe(TOKEN);
    expect(presentedToken(basic('any', TOKEN))).toBe(TOKEN);
    expect(presentedToken(basic('any', ''))).toBeUndefined();
    expect(presentedToken(`Token ${TOKEN}`)).toBeUndefined();
    expect(presentedToken(undefined)).toBeUndefined();
  });

  it('compares hashes of equal length, so a prefix of the token or a longer guess is simply wrong', () => {
    expect(checkWriteToken(`Bearer ${TOKEN.slice(0, 10)}`, TOKEN)).toBe('wrong');
    expect(checkWriteToken(`Bearer ${TOKEN}${TOKEN}`, TOKEN)).toBe('wrong');
    expect(checkWriteToken(`Bearer ${TOKEN}`, TOKEN)).toBe('ok');
  });

  it('takes the token from the environment variable the config names, refusing short ones', () => {
    expect(writeTokenFromEnv(undefined, {})).toEqual({});
    expect(writeTokenFromEnv('YUQING_SERVER_TOKEN', {}).problem).toMatch(/YUQING_SERVER_TOKEN 未設定/);
    expect(writeTokenFromEnv('YUQING_SERVER_TOKEN', { YUQING_SERVER_TOKEN: 'short' }).problem).toMatch(/太短/);
    expect(writeTokenFromEnv('YUQING_SERVER_TOKEN', { YUQING_SERVER_TOKEN: TOKEN })).toEqual({ token: TOKEN });
  });

  it('binds to loopback unless the main config says otherwise', () => {
    expect(mainConfigSchema.parse({}).server.host).toBe('127.0.0.1');
  });
});

describe('the daemon HTTP server with a write token', () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
  const status = recordingRoute('/status');
  const ack = recordingRoute('/ack/', true);
  const server = new HttpServer({ host: '127.0.0.1', port: 0, log, metrics: new Metrics({ processMetrics: false }), health: () => ({ status: 'ok' }), routes: [status, ack], writeToken: TOKEN });
  let port = 0;
  beforeAll(async () => {
    ({ port } = await server.start());
  });
  afterAll(() => server.stop());

  it('refuses a POST without the token with 401 and a Basic challenge, and the route never sees it', async () => {
    const r = await send(port, 'POST', '/status/ack/a1');
    expect(r.status).toBe(401);
    expect(String(r.headers['www-authenticate'])).toMatch(/^Basic realm="Yuqing"/);
    expect(status.handled).toEqual([]);
  });

  it('refuses a POST with a wrong token', async () => {
    const r = await send(port, 'POST', '/status/ack/a1', { authorization: `Bearer ${TOKEN.replace(/.$/, '0')}` });
    expect(r.status).toBe(401);
    expect(status.handled).toEqual([]);
  });

  it('lets a POST with the token through, as Bearer or as a browser’s Basic credentials', async () => {
    expect((await send(port, 'POST', '/status/ack/a1', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await send(port, 'POST', '/status/ack/a2', { authorization: basic('公關主管', TOKEN) })).status).toBe(200);
    expect(status.handled).toEqual(['POST /status/ack/a1', 'POST /status/ack/a2']);
  });

  it('does not ask for the token on reads', async () => {
    expect((await send(port, 'GET', '/status')).status).toBe(200);
    expect((await send(port, 'GET', '/healthz')).status).toBe(200);
  });

  it('does not ask a signed ack link for it (the signature is the credential, verified by the route)', async () => {
    expect((await send(port, 'POST', '/ack/a1?r=pr-lead&e=1&s=x')).status).toBe(200);
    expect(ack.handled).toEqual(['POST /ack/a1?r=pr-lead&e=1&s=x']);
  });

  it('never logs the token, nor the query string of a refused request', async () => {
    await send(port, 'POST', `/status/ack/a3?s=${TOKEN}`, { authorization: `Bearer ${TOKEN}0` });
    const all = lines.join('\n');
    expect(all).toMatch(/write refused/);
    expect(all).not.toContain(TOKEN);
  });
});

describe('the daemon HTTP server when a token is configured but unusable', () => {
  const status = recordingRoute('/status');
  const server = new HttpServer({ host: '127.0.0.1', port: 0, log: silentLogger(), metrics: new Metrics({ processMetrics: false }), health: () => ({ status: 'ok' }), routes: [status], requireWriteToken: true });
  let port = 0;
  beforeAll(async () => {
    ({ port } = await server.start());
  });
  afterAll(() => server.stop());

  it('fails closed: writes are refused with 403 even on loopback, reads still work', async () => {
    const r = await send(port, 'POST', '/status/ack/a1', { authorization: `Bearer ${TOKEN}` });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/server\.writeTokenEnv/);
    expect(status.handled).toEqual([]);
    expect((await send(port, 'GET', '/status')).status).toBe(200);
  });
});

describe('the daemon HTTP server on loopback without a token', () => {
  const status = recordingRoute('/status');
  const server = new HttpServer({ host: '127.0.0.1', port: 0, log: silentLogger(), metrics: new Metrics({ processMetrics: false }), health: () => ({ status: 'ok' }), routes: [status] });
  let port = 0;
  beforeAll(async () => {
    ({ port } = await server.start());
  });
  afterAll(() => server.stop());

  it('accepts writes: only this machine can reach it', async () => {
    expect((await send(port, 'POST', '/status/ack/a1')).status).toBe(200);
    expect(status.handled).toEqual(['POST /status/ack/a1']);
  });
});

describe('yuqing validate and the write token', () => {
  const project = (server: Record<string, unknown>) => ({ main: mainConfigSchema.parse({ server }) }) as unknown as Project;

  it('warns when the server listens beyond loopback without a token, or the token is unusable', () => {
    expect(writeTokenWarnings(project({ host: '127.0.0.1' }), {})).toEqual([]);
    expect(writeTokenWarnings(project({ host: '0.0.0.0' }), {})[0]).toMatch(/0\.0\.0\.0.*未設定 server\.writeTokenEnv/);
    expect(writeTokenWarnings(project({ host: '0.0.0.0', writeTokenEnv: 'YQ_TOKEN' }), {})[0]).toMatch(/YQ_TOKEN 未設定/);
    expect(writeTokenWarnings(project({ host: '0.0.0.0', writeTokenEnv: 'YQ_TOKEN' }), { YQ_TOKEN: 'short' })[0]).toMatch(/太短/);
    expect(writeTokenWarnings(project({ host: '0.0.0.0', writeTokenEnv: 'YQ_TOKEN' }), { YQ_TOKEN: TOKEN })).toEqual([]);
    expect(writeTokenWarnings(project({ host: '0.0.0.0', enabled: false }), {})).toEqual([]);
  });
});
