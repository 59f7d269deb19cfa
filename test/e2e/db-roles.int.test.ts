import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  createTestDatabase,
  demoRegistry,
  generateDemoDataset,
  POSTGRES_URL_ENV,
  requireEnv,
  runTthc,
  serveProcess,
  type TestDatabase,
} from '@tthc/test-support';

const ROLES = ['owner', 'ingest', 'projector', 'reader', 'operator'] as const;
type Role = (typeof ROLES)[number];

/** Issue #22, point 2: each process connects as a role that may do its work and nothing else. */
describe('tthc db roles: least privilege on PostgreSQL', () => {
  const prefix = `tthc_t${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tthc-roles-'));
  let db: TestDatabase;
  const urlAs = (role: Role): string => {
    const url = new URL(db.url);
    url.username = `${prefix}_${role}`;
    return url.toString();
  };
  /** The SQLSTATE a statement fails with as a role, or 'ok'. */
  const sqlAs = async (role: Role, sql: string): Promise<string> => {
    const client = new Client({ connectionString: urlAs(role) });
    await client.connect();
    try {
      await client.query(sql);
      return 'ok';
    } catch (error) {
      return String((error as { code?: unknown }).code);
    } finally {
      await client.end();
    }
  };
  const { events } = generateDemoDataset({ seed: 31, dossiers: 40, period: { from: '2024-04-01', to: '2024-04-30' } });
  const feed = join(dir, 'feed.ndjson');
  const report = (role: Role) => runTthc('report', '--from', '2024-04-01', '--to', '2024-04-30', '--format', 'json', '--store', urlAs(role));

  beforeAll(async () => {
    db = await createTestDatabase();
    writeFileSync(feed, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
  });
  afterAll(async () => {
    await db.drop();
    const admin = new Client({ connectionString: requireEnv(POSTGRES_URL_ENV) });
    await admin.connect();
    try {
      for (const role of [...ROLES].reverse()) await admin.query(`DROP ROLE IF EXISTS ${prefix}_${role}`);
    } finally {
      await admin.end();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the roles, migrates as the owner, and changes nothing when run again', async () => {
    const first = JSON.parse(await runTthc('db', 'roles', '--store', db.url, '--prefix', prefix)) as {
      roles: { roles: Record<Role, string>; created: string[]; migrated: { applied: number[] } };
    };
    expect(first.roles.roles).toEqual(Object.fromEntries(ROLES.map((r) => [r, `${prefix}_${r}`])));
    expect(first.roles.created).toHaveLength(ROLES.length);
    expect(first.roles.migrated.applied.length).toBeGreaterThan(0);
    const again = JSON.parse(await runTthc('db', 'roles', '--store', db.url, '--prefix', prefix)) as {
      roles: { created: string[]; migrated: { applied: number[] } };
    };
    expect(again.roles).toMatchObject({ created: [], migrated: { applied: [] } });
    // The owner's migrate finds the schema current.
    expect(JSON.parse(await runTthc('migrate', '--store', urlAs('owner')))).toMatchObject({ migrate: { applied: [] } });
  });

  it('lets each role do its work: ingest appends, the projector projects, the reader reports', async () => {
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', urlAs('ingest'));
    const ingested = JSON.parse(await runTthc('ingest', '--file', feed, '--store', urlAs('ingest'))) as { ingest: { appended: number } };
    expect(ingested.ingest.appended).toBe(events.length);
    await runTthc('project', '--until-caught-up', '--store', urlAs('projector'));
    const asReader = JSON.parse(await report('reader')) as { asOf: { eventsBehind: number; eventsRead: number } };
    expect(asReader).toMatchObject({ asOf: { eventsBehind: 0, eventsRead: events.length } });
    expect(await report('reader')).toBe(await report('owner'));
    const status = JSON.parse(await runTthc('status', '--format', 'json', '--store', urlAs('reader'))) as { ingest: { balanced: boolean } };
    expect(status.ingest.balanced).toBe(true);
  });

  it('refuses each role what it must not do, with the code that says so', async () => {
    await expect(runTthc('project', '--until-caught-up', '--store', urlAs('ingest'))).rejects.toMatchObject({
      code: 'STORE_PERMISSION_DENIED',
      message: expect.stringMatching(/^PostgreSQL refused this process's role: permission denied for table/) as unknown,
    });
    await expect(runTthc('ingest', '--file', feed, '--store', urlAs('reader'))).rejects.toMatchObject({ code: 'STORE_PERMISSION_DENIED' });
    await expect(runTthc('dlq', 'redrive', '--store', urlAs('projector'))).rejects.toMatchObject({ code: 'STORE_PERMISSION_DENIED' });

    const refused = '42501';
    const cases: [Role, string, string][] = [
      ['ingest', 'UPDATE events SET type = type', refused],
      ['ingest', 'DELETE FROM events', refused],
      ['ingest', 'TRUNCATE events', refused],
      ['ingest', "INSERT INTO view_daily_counts (version, agency_code, day, metric, value) VALUES (1, 'x', '2024-01-01', 'm', 1)", refused],
      ['ingest', 'CREATE TABLE intruder (i int)', refused],
      ['projector', 'DELETE FROM events', refused],
      ['projector', "INSERT INTO agency_registries (document) VALUES ('{}')", refused],
      ['projector', 'UPDATE dead_letters SET attempts = attempts', refused],
      ['projector', 'DROP TABLE view_daily_counts', refused],
      ['reader', 'SELECT data FROM events LIMIT 1', refused],
      ['reader', 'SELECT stream_id FROM events LIMIT 1', refused],
      ['reader', 'UPDATE view_daily_counts SET value = value', refused],
      ['reader', 'DELETE FROM dead_letters', refused],
      ['reader', 'CREATE TABLE intruder (i int)', refused],
      // What each may: the reader sees how far the log goes, not what it holds.
      ['reader', 'SELECT count(*), max(position), min(recorded_at) FROM events', 'ok'],
      ['projector', 'SELECT data FROM events LIMIT 1', 'ok'],
      ['operator', 'SELECT count(*) FROM view_daily_counts', 'ok'],
      ['owner', 'SELECT count(*) FROM events', 'ok'],
    ];
    const outcomes = [];
    for (const [role, sql] of cases) outcomes.push([role, sql, await sqlAs(role, sql)]);
    expect(outcomes).toEqual(cases);
  });

  it('serves figures, status and letters as the reader, and refuses an operator action there while the operator role may', async () => {
    const operator = JSON.parse(await runTthc('token', '--name', 'ops', '--role', 'operator')) as { token: string; env: string };
    const auth = { authorization: `Bearer ${operator.token}` };
    const redrive = (address: string) =>
      fetch(`${address}/api/v1/dead-letters/redrive`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    const asReader = await serveProcess(['--store', urlAs('reader')], { TTHC_API_TOKENS: operator.env });
    const asOperator = await serveProcess(['--store', urlAs('operator')], { TTHC_API_TOKENS: operator.env });
    try {
      const report = await fetch(`${asReader.address}/api/v1/report?from=2024-04-01&to=2024-04-30&format=csv`, { headers: auth });
      expect(report.status).toBe(200);
      expect(await report.text()).toBe(await runTthc('report', '--from', '2024-04-01', '--to', '2024-04-30', '--format', 'csv', '--store', urlAs('owner')));
      for (const path of ['/api/v1/status', '/api/v1/dead-letters', '/api/v1/projections'])
        expect([path, (await fetch(`${asReader.address}${path}`, { headers: auth })).status]).toEqual([path, 200]);
      const refused = await redrive(asReader.address);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'STORE_PERMISSION_DENIED' });
      expect((await redrive(asOperator.address)).status).toBe(200);
    } finally {
      for (const server of [asReader, asOperator]) server.child.kill('SIGTERM');
      await Promise.all([asReader.exited, asOperator.exited]);
    }
  });

  it('tells a role that finds the schema behind to have the owner migrate it, and the owner grants the new table', async () => {
    // As if this tthc were newer than the store: its last two migrations (11 made a table, 12 a column) not applied yet.
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE dead_letters DROP COLUMN headers');
      await admin.query('DROP TABLE purged_letters');
      await admin.query('DROP INDEX dead_letters_updated');
      await admin.query('DELETE FROM schema_migrations WHERE version >= 11');
    } finally {
      await admin.end();
    }
    await expect(runTthc('status', '--format', 'json', '--store', urlAs('reader'))).rejects.toMatchObject({
      code: 'STORE_PERMISSION_DENIED',
      message: expect.stringMatching(
        /^the store's schema is at version \d+ and this tthc needs \d+, .* run `tthc migrate` as the store's owner role/,
      ) as unknown,
    });
    const migrated = JSON.parse(await runTthc('migrate', '--store', urlAs('owner'))) as { migrate: { applied: number[] } };
    expect(migrated.migrate.applied).toEqual([11, 12]);
    const status = JSON.parse(await runTthc('status', '--format', 'json', '--store', urlAs('reader'))) as { ingest: { balanced: boolean } };
    expect(status.ingest.balanced).toBe(true);
    expect(await sqlAs('ingest', "INSERT INTO purged_letters VALUES ('invalid-event', 0)")).toBe('ok');
    expect(await sqlAs('reader', "INSERT INTO purged_letters VALUES ('invalid-json', 0)")).toBe('42501');
  });
});
