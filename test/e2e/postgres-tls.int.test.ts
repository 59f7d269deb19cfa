import { execFile } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { demoRegistry, generateDemoDataset, runTthc } from '@tthc/test-support';
import { PrivateCluster } from '../chaos/src/servers';

const run = promisify(execFile);

/** A CA, a server certificate it signs for 127.0.0.1, and another CA that signed nothing here. */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  for (const ca of ['ca', 'other-ca']) {
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=TTHC test ${ca}`);
  }
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

/**
 * Issue #22, point 2: the PostgreSQL store over TLS, as docs/deploy.md sets it up: the server takes
 * TLS only (plaintext is refused), and tthc verifies its certificate against the province's CA
 * through the URL (`sslmode=verify-full&sslrootcert=…`).
 */
describe('the PostgreSQL store over TLS (a private cluster with ssl = on and hostssl only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-pg-tls-'));
  const port = 15_500 + Math.floor(Math.random() * 400);
  const cluster = new PrivateCluster(join(dir, 'cluster'), port);
  const url = (query: string) => `postgres://postgres@127.0.0.1:${port}/postgres${query}`;
  const verified = url(`?sslmode=verify-full&sslrootcert=${join(dir, 'ca.crt')}`);

  beforeAll(async () => {
    // The server's user reaches its cluster and certificate through this folder.
    chmodSync(dir, 0o755);
    await makeCertificates(dir);
    await cluster.init();
    await cluster.stop();
    // The server reads its key as its own user, and refuses a key others may read.
    const owner = userInfo().uid === 0 ? 'postgres' : undefined;
    for (const file of ['server.key', 'server.crt']) {
      if (owner !== undefined) await run('chown', [owner, join(dir, file)]);
      chmodSync(join(dir, file), 0o600);
    }
    if (owner === undefined) chownSync(join(dir, 'server.key'), userInfo().uid, userInfo().gid);
    appendFileSync(
      join(cluster.data, 'postgresql.conf'),
      `ssl = on\nssl_cert_file = '${join(dir, 'server.crt')}'\nssl_key_file = '${join(dir, 'server.key')}'\n`,
    );
    writeFileSync(join(cluster.data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n');
    await cluster.start();
  });
  afterAll(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, ingests and reports over a verified TLS connection', async () => {
    const { events } = generateDemoDataset({ seed: 9, dossiers: 10, period: { from: '2024-05-01', to: '2024-05-31' } });
    writeFileSync(join(dir, 'feed.ndjson'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', verified);
    expect(JSON.parse(await runTthc('ingest', '--file', join(dir, 'feed.ndjson'), '--store', verified))).toMatchObject({
      ingest: { appended: events.length },
    });
    await runTthc('project', '--until-caught-up', '--store', verified);
    expect(JSON.parse(await runTthc('report', '--from', '2024-05-01', '--to', '2024-05-31', '--format', 'json', '--store', verified))).toMatchObject({
      asOf: { eventsRead: events.length, eventsBehind: 0 },
    });
    const client = new Client({ connectionString: verified });
    await client.connect();
    try {
      const { rows } = await client.query<{ ssl: boolean; version: string }>('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      expect(rows).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) as unknown }]);
    } finally {
      await client.end();
    }
  });

  it('is refused in plaintext by a server that takes TLS only', async () => {
    await expect(runTthc('status', '--format', 'json', '--store', url(''))).rejects.toThrow(/pg_hba\.conf rejects connection .* no encryption/);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    await expect(runTthc('status', '--format', 'json', '--store', url(`?sslmode=verify-full&sslrootcert=${join(dir, 'other-ca.crt')}`))).rejects.toThrow(
      /self[- ]signed certificate in certificate chain|unable to verify/,
    );
  });
});
