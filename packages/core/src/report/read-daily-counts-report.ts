import type { EventStore } from '../event-store/event-store';
import { formatLogPosition } from '../event-store/log-position';
import type { DailyCountsStore, DayRange } from '../projection/daily-counts-store';
import type { AgencyRegistry } from '../registry/agency-registry';
import { buildDailyCountsReport, type DailyCountsReport } from './daily-counts-report';

/**
 * Reads the view only, never the log, and states the log position the view reflects: the figures and
 * that position come from one snapshot, so a commit or a replay's switch cannot fall between them.
 * Given the log, it also counts the events after that position (read after the snapshot, so never
 * fewer than were missing from it): the report then says whether it is complete.
 */
export async function readDailyCountsReport(
  store: DailyCountsStore,
  period: DayRange,
  registry?: AgencyRegistry,
  log?: Pick<EventStore, 'backlog'>,
): Promise<DailyCountsReport> {
  const { totals, open, checkpoint } = await store.readReportSnapshot(period);
  const report = buildDailyCountsReport(period, totals, checkpoint ? formatLogPosition(checkpoint.position) : null, registry, open);
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
