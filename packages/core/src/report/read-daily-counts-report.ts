import { formatLogPosition } from '../event-store/log-position';
import { DAILY_COUNTS_PROJECTION } from '../projection/dossier-counts';
import type { DayRange, ProjectionStore } from '../projection/projection-store';
import type { AgencyRegistry } from '../registry/agency-registry';
import { buildDailyCountsReport, type DailyCountsReport } from './daily-counts-report';

/** Reads the view only, never the log, and states the log position the view reflects. */
export async function readDailyCountsReport(store: ProjectionStore, period: DayRange, registry?: AgencyRegistry): Promise<DailyCountsReport> {
  const [totals, open, checkpoint] = await Promise.all([store.totals(period), store.openDossiers(period), store.readCheckpoint(DAILY_COUNTS_PROJECTION)]);
  return buildDailyCountsReport(period, totals, checkpoint ? formatLogPosition(checkpoint.position) : null, registry, open);
}
