import { formatLogPosition, type EventStore, type ProjectionStore, type ProjectionVersion } from '@tthc/core';

export interface BuildingStatus {
  readonly version: number;
  readonly position: string | null;
  readonly events: number;
  /** Events the version will have read when it reaches the end of the log as it stands. */
  readonly total: number;
  readonly percent: number;
  readonly rate: number | null;
  readonly etaSeconds: number | null;
  readonly runner: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export interface ProjectionStatus {
  // The live version's checkpoint, as `tthc status` has always shown it.
  readonly position: string | null;
  readonly events: number;
  readonly updatedAt: string | null;
  readonly version: number | null;
  /** The owner of an unexpired lease on the live version: who is keeping it up to date. */
  readonly runner: string | null;
  readonly lag: {
    /** Events in the log after the live version's checkpoint. */
    readonly events: number;
    /**
     * How long the oldest event the live version has not read has been in the log (now minus the
     * time the store recorded it), in seconds; 0 when caught up. It is the event's storage time,
     * not the time the event says it happened.
     */
    readonly seconds: number;
  };
  /** Events per second of the live version's recent batches, as its runner measured them. */
  readonly rate: number | null;
  readonly building: BuildingStatus | null;
}

const activeRunner = (v: ProjectionVersion, now: Date): string | null => (v.lease && Date.parse(v.lease.expiresAt) >= now.getTime() ? v.lease.owner : null);

/** Where a projection stands: its live version's checkpoint, lag and rate, and the progress of a version being built. */
export async function projectionStatus(
  eventStore: EventStore,
  projectionStore: ProjectionStore,
  projection: string,
  now: Date = new Date(),
): Promise<ProjectionStatus | null> {
  const versions = await projectionStore.listVersions(projection);
  if (versions.length === 0) return null;
  const live = versions.find((v) => v.status === 'live');
  const building = versions.find((v) => v.status === 'building');
  const [liveBacklog, buildingBacklog] = await Promise.all([
    eventStore.backlog(live?.checkpoint?.position),
    building ? eventStore.backlog(building.checkpoint?.position) : undefined,
  ]);
  const oldest = liveBacklog.oldestRecordedAt;
  let buildingStatus: BuildingStatus | null = null;
  if (building && buildingBacklog) {
    const events = building.checkpoint?.events ?? 0;
    const total = events + buildingBacklog.events;
    buildingStatus = {
      version: building.version,
      position: building.checkpoint ? formatLogPosition(building.checkpoint.position) : null,
      events,
      total,
      percent: total === 0 ? 100 : Math.floor((events / total) * 1000) / 10,
      rate: building.rate ?? null,
      etaSeconds: building.rate ? Math.ceil(buildingBacklog.events / building.rate) : null,
      runner: activeRunner(building, now),
      startedAt: building.startedAt,
      updatedAt: building.updatedAt,
    };
  }
  return {
    position: live?.checkpoint ? formatLogPosition(live.checkpoint.position) : null,
    events: live?.checkpoint?.events ?? 0,
    updatedAt: live?.checkpoint?.updatedAt ?? null,
    version: live?.version ?? null,
    runner: live ? activeRunner(live, now) : null,
    lag: {
      events: liveBacklog.events,
      seconds: liveBacklog.events === 0 || oldest === undefined ? 0 : Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000)),
    },
    rate: live?.rate ?? null,
    building: buildingStatus,
  };
}
