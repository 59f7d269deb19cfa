import {
  AGENCY_LEVELS,
  addDays,
  applyDossierEvent,
  carriedOverInto,
  countingAgencyOf,
  inProgressAtEndOf,
  mapChangeDays,
  placeOnMap,
  toCurrentVersion,
  type AgencyLevel,
  type AgencyRegistry,
  type AnyVersionDossierEvent,
  type DayRange,
  type DossierState,
  type ReportMap,
} from '@tthc/core';

/** The figures of a level that a report by some map must show: the form's balance, with the dossiers that moved between levels. */
export interface MapLevelFigures {
  received: number;
  resolved: number;
  resolvedEarly: number;
  resolvedOnDueDay: number;
  resolvedLate: number;
  carriedOver: number;
  inProgressAtEnd: { notDue: number; overdue: number };
  withdrawn: number;
  handedBack: number;
  transferredIn: number;
  transferredOut: number;
}

export interface MapFigures {
  /** 'each-day', or the day whose agencies everything is counted under. */
  readonly map: string;
  readonly levels: Record<AgencyLevel, MapLevelFigures>;
  readonly total: MapLevelFigures;
}

const empty = (): MapLevelFigures => ({
  received: 0,
  resolved: 0,
  resolvedEarly: 0,
  resolvedOnDueDay: 0,
  resolvedLate: 0,
  carriedOver: 0,
  inProgressAtEnd: { notDue: 0, overdue: 0 },
  withdrawn: 0,
  handedBack: 0,
  transferredIn: 0,
  transferredOut: 0,
});

/**
 * What a report of `period` must show by `map`, worked out from each dossier's last state, one
 * dossier at a time, by the definitions of the figures (not from the view's counters): a figure
 * counts at the level of the agency the map places the dossier's agency at (`placeOnMap`) on the
 * day the figure is about by the map of each day, or on `map`'s day for all of them. By the map of
 * each day (`map` 'each-day'), a dossier open when the map changes moves from its old agency's level to its new one's:
 * transferred out of the one, into the other (none when both are of one level).
 */
export function figuresByMap(events: Iterable<AnyVersionDossierEvent>, registry: AgencyRegistry, period: DayRange, map: string): MapFigures {
  const states = new Map<string, DossierState>();
  for (const event of events) {
    const t = applyDossierEvent(states.get(event.subject), toCurrentVersion(event));
    if (t.ok) states.set(event.subject, t.state);
  }
  const levels = Object.fromEntries(AGENCY_LEVELS.map((l) => [l, empty()])) as Record<AgencyLevel, MapLevelFigures>;
  const total = empty();
  const reportMap: ReportMap = map === 'each-day' ? map : { day: map };
  const days = map === 'each-day' ? mapChangeDays(registry, period) : [];
  const levelOn = (state: DossierState, day: string): AgencyLevel | undefined => placeOnMap(registry, reportMap, countingAgencyOf(state), day)?.level;
  const count = (state: DossierState, day: string, add: (f: MapLevelFigures) => void) => {
    const level = levelOn(state, day);
    if (level) add(levels[level]);
    add(total);
  };
  const inPeriod = (day: string | null): day is string => day !== null && day >= period.from && day <= period.to;
  for (const s of states.values()) {
    if (s.status === 'refused-at-reception') continue;
    if (inPeriod(s.receivedDay)) count(s, s.receivedDay, (f) => (f.received += 1));
    if (s.finishedDay !== null && inPeriod(s.finishedDay) && s.timeliness !== null) {
      const kind = s.timeliness === 'early' ? 'resolvedEarly' : s.timeliness === 'on-time' ? 'resolvedOnDueDay' : 'resolvedLate';
      count(s, s.finishedDay, (f) => {
        f.resolved += 1;
        f[kind] += 1;
      });
    }
    if (inPeriod(s.closedDay)) {
      if (s.status === 'withdrawn') count(s, s.closedDay, (f) => (f.withdrawn += 1));
      if (s.status === 'handed-back' || s.status === 'stopped') count(s, s.closedDay, (f) => (f.handedBack += 1));
    }
    if (carriedOverInto(s, period)) count(s, period.from, (f) => (f.carriedOver += 1));
    const atEnd = inProgressAtEndOf(s, period);
    if (atEnd) count(s, period.to, (f) => (f.inProgressAtEnd[atEnd] += 1));
    for (const day of days) {
      if (!carriedOverInto(s, { from: day, to: day })) continue;
      const before = levelOn(s, addDays(day, -1));
      const after = levelOn(s, day);
      if (before === after) continue;
      if (before) levels[before].transferredOut += 1;
      if (after) levels[after].transferredIn += 1;
    }
  }
  return { map, levels, total };
}
