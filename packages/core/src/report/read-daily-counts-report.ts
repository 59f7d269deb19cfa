import { formatLogPosition } from '../event-store/log-position';
import type { DailyCountsStore, DayRange } from '../projection/daily-counts-store';
import type { AgencyRegistry } from '../registry/agency-registry';
import { buildDailyCountsReport, type DailyCountsReport } from './daily-counts-report';

/**
 * Reads the view only, never the log, and states the log position the view reflects: the figures and
 * that position come from one snapshot, so a commit or a replay's switch cannot fall between them.
 */
export async function readDailyCountsReport(store: DailyCountsStore, period: DayRange, registry?: AgencyRegistry): Promise<DailyCountsReport> {
  const { totals, open, checkpoint } = await store.readReportSnapshot(period);
  return buildDailyCountsReport(period, totals, checkpoint ? formatLogPosition(checkpoint.position) : null, registry, open);
}
