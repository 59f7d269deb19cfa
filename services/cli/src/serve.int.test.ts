import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTthc, serveProcess as serve } from '@tthc/test-support';

/** `tthc serve` as an operator runs it: a process of its own, from the build. */
const MAIN = join(__dirname, '../dist/main.js');

describe('tthc serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-serve-'));
  const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
  beforeAll(async () => {
    const feed = join(dir, 'feed.ndjson');
    await runTthc('simulate', '--profile', join(__dirname, '../../../test/fixtures/profiles/lam-dong-2024-h1.json'), '--scale', '0.02', '--out', feed);
    await runTthc('ingest', '--file', feed, '--store', store);
    await runTthc('project', '--until-caught-up', '--store', store);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the report on the port it prints, and exits 0 on SIGTERM', async () => {
    const server = await serve(['--store', store]);
    const response = await fetch(`${server.address}/api/v1/report?period=2024-H1&format=csv`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(await runTthc('report', '--period', '2024-H1', '--format', 'csv', '--store', store));
    server.child.kill('SIGTERM');
    const { code, stderr } = await server.exited;
    expect(code).toBe(0);
    expect(stderr).toContain('"msg":"request"');
  });

  it('takes tokens that tthc token made from TTHC_API_TOKENS, and stops a replay in hand when told to stop', async () => {
    const operator = JSON.parse(await runTthc('token', '--name', 'ops-an', '--role', 'operator')) as { token: string; env: string };
    expect(operator.env).toMatch(/^ops-an:operator:[0-9a-f]{64}$/);
    const server = await serve(['--store', store], { TTHC_API_TOKENS: operator.env });
    expect((await fetch(`${server.address}/api/v1/status`)).status).toBe(401);
    const replay = await fetch(`${server.address}/api/v1/projections/daily-counts/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batchSize: 100 }),
    });
    expect(replay.status).toBe(202);
    server.child.kill('SIGTERM');
    const started = Date.now();
    const { code, stderr } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The operator's action is in the log under their name; the token is not.
    expect(stderr).toContain('"action":"replay"');
    expect(stderr).toContain('"by":"ops-an"');
    expect(stderr).not.toContain(operator.token);
  });

  it.each([
    ['a store that does not exist', ['--store', `sqlite:${join(dir, 'nothing.sqlite')}`], {}, 'STORE_NOT_FOUND'],
    ['a token that is not a hash', ['--store', store], { TTHC_API_TOKENS: 'ops:operator:secret' }, 'INVALID_API_CONFIG'],
  ])('refuses %s, naming it, and exits', async (_what, args, env, code) => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(exitCode).toBe(1);
    expect(stderr).toContain(`tthc [${code}]`);
  });
});
