import type { EventStore } from '../event-store/event-store';
import { formatLogPosition } from '../event-store/log-position';
import type { DailyCountsStore, DayRange } from '../projection/daily-counts-store';
import type { AgencyRegistry } from '../registry/agency-registry';
import { buildMappedReport, type DailyCountsReport } from './daily-counts-report';
import { EACH_DAY, mapChangeDays, splitPeriod, type ReportMap } from './report-map';

/**
 * Reads the view only, never the log, and states the log position the view reflects: the figures and
 * that position come from one snapshot, so a commit or a replay's switch cannot fall between them.
 * By the map of each day, the period is read in pieces cut where the registry's map changes, all in
 * that one snapshot. Given the log, it also counts the events after that position (read after the
 * snapshot, so never fewer than were missing from it): the report then says whether it is complete.
 */
export async function readDailyCountsReport(
  store: DailyCountsStore,
  period: DayRange,
  registry?: AgencyRegistry,
  log?: Pick<EventStore, 'backlog'>,
  map: ReportMap = EACH_DAY,
): Promise<DailyCountsReport> {
  const ranges = registry && map === 'each-day' ? splitPeriod(period, mapChangeDays(registry, period)) : [period];
  const { pieces, checkpoint } = await store.readReportSnapshots(ranges);
  const report = buildMappedReport(period, pieces, checkpoint ? formatLogPosition(checkpoint.position) : null, registry, map);
  const behind = log ? (await log.backlog(checkpoint?.position)).events : undefined;
  return {
    ...report,
    asOf: {
      ...report.asOf,
      eventsRead: checkpoint?.events ?? 0,
      ...(checkpoint ? { updatedAt: checkpoint.updatedAt } : {}),
      ...(behind !== undefined ? { eventsBehind: behind } : {}),
    },
  };
}
