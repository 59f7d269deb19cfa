import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balanceOf, type DailyCountsReport } from '@tthc/core';
import { createTestDatabase, demoRegistry, generateDemoDataset, KAFKA_BROKERS_ENV, requireEnv, runTthc, type TestDatabase } from '@tthc/test-support';

/**
 * The walking skeleton on real servers: events published through kafkajs to the broker, consumed by
 * the ingest service into PostgreSQL, projected, and reported, each step through the tthc CLI.
 */
describe('Kafka → ingest → PostgreSQL → projection → report', () => {
  const period = { from: '2024-01-01', to: '2024-06-30' };
  const dataset = generateDemoDataset({ seed: 42, dossiers: 3000, period });
  const run = randomBytes(4).toString('hex');
  const topic = `tthc.e2e.${run}`;
  const dir = mkdtempSync(join(tmpdir(), 'tthc-e2e-'));
  const feed = join(dir, 'feed.ndjson');
  let brokers: string;
  let db: TestDatabase;

  beforeAll(async () => {
    brokers = requireEnv(KAFKA_BROKERS_ENV);
    db = await createTestDatabase();
    writeFileSync(feed, dataset.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(demoRegistry()));
    await runTthc('registry', 'import', join(dir, 'registry.json'), '--store', db.url);
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports exactly the figures the generated feed holds', async () => {
    const published = JSON.parse(await runTthc('publish', feed, '--brokers', brokers, '--topic', topic)) as { published: number };
    expect(published.published).toBe(dataset.events.length);

    const ingest = (group: string) =>
      runTthc('ingest', '--brokers', brokers, '--topic', topic, '--group', group, '--until-idle', '--idle-ms', '1500', '--store', db.url);
    const first = JSON.parse(await ingest(`e2e-${run}`)) as { ingest: Record<string, number> };
    expect(first.ingest).toEqual({ consumed: dataset.events.length, appended: dataset.events.length, duplicates: 0, deadLettered: 0, parked: 0 });

    const projected = JSON.parse(await runTthc('project', '--until-caught-up', '--store', db.url)) as { projected: { events: number } };
    expect(projected.projected.events).toBe(dataset.events.length);

    const report = JSON.parse(
      await runTthc('report', '--from', period.from, '--to', period.to, '--format', 'json', '--by', 'agency', '--store', db.url),
    ) as DailyCountsReport;
    const want = dataset.expected.total;
    expect(report.total).toMatchObject({
      received: want.received,
      receivedOnline: want.receivedOnline,
      resolved: want.resolvedEarly + want.resolvedOnDueDay + want.resolvedLate,
      resolvedEarly: want.resolvedEarly,
      resolvedOnTime: want.resolvedEarly + want.resolvedOnDueDay,
      resolvedLate: want.resolvedLate,
      withdrawn: want.withdrawn,
      handedBack: want.handedBack + want.processingStopped,
      processingStopped: want.processingStopped,
      refusedAtReception: want.refusedAtReception,
      supplementRequested: want.supplementRequested,
      apologyIssued: want.apologyIssued,
      resultReturned: want.resultReturned,
      fullProcessOnline: { resolved: want.fullProcessResolved, resolvedOnline: want.fullProcessResolvedOnline },
      onlinePayments: { count: want.paidOnlineCount, amount: want.paidOnlineAmount },
    });
    expect(report.agencies.map((a) => [a.agencyCode, a.received])).toEqual(
      Object.entries(dataset.expected.byAgency)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, counts]) => [code, counts.received]),
    );
    expect(report.asOf.position).not.toBeNull();
    const t = report.total;
    const balance = balanceOf(t);
    expect(balance.inflow).toBe(balance.outflow);

    // At-least-once delivery, exactly-once effect: the whole topic again is recognised as duplicates.
    const again = JSON.parse(await ingest(`e2e-${run}-replay`)) as { ingest: Record<string, number> };
    expect(again.ingest).toEqual({ consumed: dataset.events.length, appended: 0, duplicates: dataset.events.length, deadLettered: 0, parked: 0 });
  });
});
