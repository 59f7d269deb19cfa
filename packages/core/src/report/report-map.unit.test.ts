import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toCurrentVersion, type AnyVersionDossierEvent } from '../events';
import { DAILY_COUNTS_PROJECTION, projectDossierEvent, type DossierSummary } from '../projection/dossier-counts';
import { inMemoryProjectionStores } from '../projection/in-memory-daily-counts-store';
import type { CountIncrement } from '../projection/metrics';
import { loadAgencyRegistry } from '../registry/agency-registry';
import { balanceOf } from './balance';
import { formatReport } from './format-report';
import { readDailyCountsReport } from './read-daily-counts-report';
import { mapChangeDays, splitPeriod } from './report-map';

/**
 * Issue #19: reports across the Lâm Đồng merger of 1 Jul 2025 (test/fixtures/registry/lam-dong-merger-2025.json),
 * by the map of each day and on one day's map, from the view the projection keeps.
 */
const loaded = loadAgencyRegistry(JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/registry/lam-dong-merger-2025.json'), 'utf8')));
if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
const registry = loaded.registry;

const DISTRICT = '000.00.31.H36'; // UBND huyện Đức Trọng, ended 2025-06-30; work to xã Đức Trọng (successor) and xã Hiệp Thạnh
const HIEP_AN = '000.02.31.H36'; // commune, ended; successor xã Đức Trọng
const SO_TU_PHAP_OLD = '000.00.01.H36'; // department, ended; successor the new Sở Tư pháp
const DUC_TRONG = '000.01.01.T68';
const HIEP_THANH = '000.02.01.T68';
const SO_TU_PHAP = '000.00.01.T68';

let n = 0;
const at = (day: string) => `${day}T09:00:00+07:00`;
const event = (subject: string, type: string, day: string, data: Record<string, unknown>) => {
  n += 1;
  return { specversion: '1.0', id: `map-${n}`, source: 'urn:tthc:lamdong-motcua', type: `vn.gov.tthc.dossier.${type}`, subject, time: at(day), data };
};
const received = (subject: string, agency: string, day: string, dueDate: string) =>
  event(subject, 'received.v2', day, {
    procedureCode: '1.001193',
    receivingAgencyCode: agency,
    processingAgencyCode: agency,
    channel: 'online',
    onlineServiceLevel: 'partial',
    receivedAt: at(day),
    dueDate,
  });
const processed = (subject: string, day: string, handlingAgencyCode?: string) =>
  event(subject, 'processed.v1', day, { outcome: 'approved', finishedAt: at(day), ...(handlingAgencyCode ? { handlingAgencyCode } : {}) });

const EVENTS = [
  // The district: one dossier resolved before the date, two open across it (one taken over by Hiệp Thạnh), one still open at the end.
  received('D-1', DISTRICT, '2025-03-02', '2025-03-20'),
  processed('D-1', '2025-03-18'),
  received('D-2', DISTRICT, '2025-06-20', '2025-07-10'),
  processed('D-2', '2025-07-08'),
  received('D-3', DISTRICT, '2025-06-25', '2025-07-15'),
  processed('D-3', '2025-07-20', HIEP_THANH),
  received('D-4', DISTRICT, '2025-06-28', '2026-01-20'),
  // A commune that merged: one dossier across the date.
  received('C-1', HIEP_AN, '2025-06-29', '2025-07-05'),
  processed('C-1', '2025-07-03'),
  // The new commune's own dossiers, and a department's, before and after.
  received('N-1', DUC_TRONG, '2025-08-01', '2025-08-10'),
  processed('N-1', '2025-08-09'),
  received('S-1', SO_TU_PHAP_OLD, '2025-06-30', '2025-07-30'),
  processed('S-1', '2025-07-29'),
  received('S-2', SO_TU_PHAP, '2025-09-01', '2025-09-10'),
] as AnyVersionDossierEvent[];

async function viewOf(events: readonly AnyVersionDossierEvent[]) {
  const stores = inMemoryProjectionStores();
  const summaries = new Map<string, DossierSummary>();
  const increments: CountIncrement[] = [];
  for (const e of events) {
    const outcome = projectDossierEvent(summaries.get(e.subject), toCurrentVersion(e));
    if (outcome.kind === 'skip') throw new Error(outcome.reason);
    summaries.set(e.subject, outcome.summary);
    increments.push(...outcome.increments);
  }
  const version = await stores.projectionStore.ensureVersion(DAILY_COUNTS_PROJECTION, 'live');
  const position = BigInt(events.length);
  await stores.dailyCountsStore.commit(version, {
    checkpoint: { commit: position, prepare: position },
    events: events.length,
    dossiers: [...summaries.values()],
    increments,
  });
  return stores.dailyCountsStore;
}

const YEAR = { from: '2025-01-01', to: '2025-12-31' };
const pick = (
  r: { received: number; resolved: number; carriedOver: number; inProgressAtEnd: unknown; transferredIn: number; transferredOut: number } | undefined,
) =>
  r && {
    received: r.received,
    resolved: r.resolved,
    carriedOver: r.carriedOver,
    inProgressAtEnd: r.inProgressAtEnd,
    in: r.transferredIn,
    out: r.transferredOut,
  };

describe('a report across the merger of 1 Jul 2025', () => {
  it('cuts the period where the map changes', () => {
    expect(mapChangeDays(registry, YEAR)).toEqual(['2025-07-01']);
    expect(mapChangeDays(registry, { from: '2025-07-01', to: '2025-12-31' })).toEqual([]);
    expect(splitPeriod(YEAR, ['2025-07-01'])).toEqual([
      { from: '2025-01-01', to: '2025-06-30' },
      { from: '2025-07-01', to: '2025-12-31' },
    ]);
  });

  it('by the map of each day counts each figure under the agency of its day, moves the dossiers open on the date, and every row balances', async () => {
    const report = await readDailyCountsReport(await viewOf(EVENTS), YEAR, registry);
    expect(report.map).toBe('each-day');
    expect(pick(report.levels.district)).toEqual({ received: 4, resolved: 1, carriedOver: 0, inProgressAtEnd: { notDue: 0, overdue: 0 }, in: 0, out: 3 });
    // Three from the district and Hiệp An's one came in; D-3 left Đức Trọng for Hiệp Thạnh, within the level.
    expect(pick(report.levels.commune)).toEqual({ received: 2, resolved: 4, carriedOver: 0, inProgressAtEnd: { notDue: 1, overdue: 0 }, in: 4, out: 1 });
    expect(report.levels.province).toMatchObject({ received: 2, resolved: 1, transferredIn: 0, transferredOut: 0 });
    expect(report.levels.district?.agencies).toBe(3);
    const byCode = new Map(report.agencies.map((a) => [a.agencyCode, a]));
    expect(pick(byCode.get(DISTRICT))).toEqual({ received: 4, resolved: 1, carriedOver: 0, inProgressAtEnd: { notDue: 0, overdue: 0 }, in: 0, out: 3 });
    expect(byCode.get(DISTRICT)?.name).toBe('UBND huyện Đức Trọng');
    expect(pick(byCode.get(DUC_TRONG))).toEqual({ received: 1, resolved: 3, carriedOver: 0, inProgressAtEnd: { notDue: 1, overdue: 0 }, in: 4, out: 1 });
    expect(pick(byCode.get(HIEP_THANH))).toEqual({ received: 0, resolved: 1, carriedOver: 0, inProgressAtEnd: { notDue: 0, overdue: 0 }, in: 1, out: 0 });
    // The department's dossier moved from the old Sở Tư pháp to the new: agencies' rows show it, the province level's does not.
    expect(pick(byCode.get(SO_TU_PHAP_OLD))).toMatchObject({ received: 1, resolved: 0, out: 1 });
    expect(pick(byCode.get(SO_TU_PHAP))).toMatchObject({ received: 1, resolved: 1, in: 1 });
    for (const row of [...Object.values(report.levels), ...report.agencies, report.total]) {
      const { inflow, outflow } = balanceOf(row);
      expect({ row: 'agencyCode' in row ? row.agencyCode : row.received, inflow }).toEqual({
        row: 'agencyCode' in row ? row.agencyCode : row.received,
        inflow: outflow,
      });
    }
    expect(report.total).toMatchObject({ received: 8, resolved: 6, transferredIn: 0, transferredOut: 0 });
    expect(report.mapChanges).toEqual(['2025-07-01']);
    expect(formatReport(report, 'form')).toMatch(/Đơn vị hành chính được sắp xếp lại trong kỳ \(từ ngày 01\/07\/2025\)/);
  });

  it('carries a crossing dossier into the new map’s first period under its successor, with no district row', async () => {
    const report = await readDailyCountsReport(await viewOf(EVENTS), { from: '2025-07-01', to: '2025-09-30' }, registry);
    expect(report.levels.district).toBeUndefined();
    expect(pick(report.levels.commune)).toEqual({ received: 1, resolved: 4, carriedOver: 4, inProgressAtEnd: { notDue: 1, overdue: 0 }, in: 1, out: 1 });
    expect(pick(report.levels.province)).toMatchObject({ carriedOver: 1, resolved: 1 });
    const text = formatReport(report, 'text', 'agency');
    expect(text).not.toMatch(/UBND cấp huyện/);
    expect(text).toMatch(/Chuyển đến/);
  });

  it("on one day's map counts everything under that day's agencies, where only a take-over an event named moves a dossier; agencies with no place are named", async () => {
    const today = await readDailyCountsReport(await viewOf(EVENTS), YEAR, registry, undefined, { day: '2025-12-31' });
    expect(today.map).toBe('2025-12-31');
    expect(today.levels.district).toBeUndefined();
    expect(pick(today.levels.commune)).toEqual({ received: 6, resolved: 5, carriedOver: 0, inProgressAtEnd: { notDue: 1, overdue: 0 }, in: 1, out: 1 });
    expect(today.total).toMatchObject({ received: 8, resolved: 6 });
    expect(today.unmapped).toBeUndefined();
    expect(formatReport(today, 'text')).toMatch(/Mọi số liệu được tính cho cơ quan có thẩm quyền ngày 31\/12\/2025/);
    // On the old map the new agencies have no place: their figures are in the total only, and the report says so.
    const old = await readDailyCountsReport(await viewOf(EVENTS), YEAR, registry, undefined, { day: '2025-06-30' });
    expect(old.unmapped).toEqual([SO_TU_PHAP, DUC_TRONG, HIEP_THANH]);
    // D-2 finished after the date, but on the old map the district it was received by still stands for it.
    expect(old.levels.district).toMatchObject({ received: 4, resolved: 2 });
    expect(old.total).toMatchObject({ received: 8, resolved: 6 });
    expect(formatReport(old, 'text')).toMatch(/3 cơ quan có số liệu nhưng không có cơ quan kế thừa trên bản đồ ngày 30\/06\/2025/);
  });
});
