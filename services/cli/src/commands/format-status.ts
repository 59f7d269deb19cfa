import type { IngestCounts, RecordCounts } from '@tthc/core';
import type { ProjectionStatus } from '@tthc/projector';

/** What `tthc status` reports; `--format json` prints it as it is. */
export interface StatusReport {
  readonly store: string;
  readonly ingest: {
    readonly sources: Record<string, IngestCounts>;
    readonly total: IngestCounts;
    readonly balanced: boolean;
    readonly records: Record<string, RecordCounts>;
    readonly recordsBalanced: boolean;
    readonly partitions: readonly { source: string; partition: number; firstOffset: string; nextOffset: string; distinct: number }[];
  };
  readonly letters: {
    readonly dead: number;
    readonly parked: number;
    /** Dead and resolved letters removed after their retention (tthc dlq purge), by reason. */
    readonly purged: number;
    readonly byReason: { readonly dead: Record<string, number>; readonly parked: Record<string, number>; readonly purged: Record<string, number> };
  };
  /** null: the projection has no version yet (nothing projected). */
  readonly projections: Record<string, ProjectionStatus | null>;
}

/** Columns padded to their widest cell; numbers to the right, text to the left. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const right = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  return cells
    .map((row) => `  ${row.map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd())
    .join('\n');
}

const duration = (seconds: number): string =>
  seconds < 60 ? `${Math.round(seconds)} s` : seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;

const byReason = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');

/** `tthc status` for a person at a terminal: projections first (is the report current?), then ingest's balance and the letters. */
export function formatStatusText(status: StatusReport): string {
  const projections = Object.entries(status.projections).map(([name, p]) =>
    p === null
      ? [name, 'none', 0, '-', 'not projected', '-', 'none', '-']
      : [
          name,
          p.version === null ? '-' : `v${p.version}`,
          p.events,
          p.lag.events,
          p.lag.events === 0 ? 'caught up' : duration(p.lag.seconds),
          p.rate === null ? '-' : Math.round(p.rate),
          p.runner ?? 'none',
          p.building === null ? '-' : `v${p.building.version} ${p.building.percent}%`,
        ],
  );
  const counts = (source: string, c: IngestCounts) => [source, c.consumed, c.appended, c.duplicates, c.deadLettered, c.parked];
  const sources = [...Object.entries(status.ingest.sources).map(([source, c]) => counts(source, c)), counts('total', status.ingest.total)];
  return [
    `store ${status.store}`,
    '',
    'projections',
    table(['projection', 'live', 'events read', 'behind (events)', 'behind (time)', 'events/s', 'runner', 'replay'], projections),
    '',
    `ingest: ${status.ingest.balanced ? 'balanced' : 'NOT BALANCED'} (every consumed message appended, a duplicate, a dead letter or parked)`,
    table(['source', 'consumed', 'appended', 'duplicates', 'dead letters', 'parked'], sources),
    '',
    ...(Object.keys(status.ingest.records).length > 0
      ? [
          `sync records: ${status.ingest.recordsBalanced ? 'balanced' : 'NOT BALANCED'} (every record read into events or refused; its events are the source's consumed)`,
          table(
            ['source', 'records', 'read', 'refused', 'events stated'],
            Object.entries(status.ingest.records).map(([source, r]) => [source, r.records, r.translated, r.refused, r.events]),
          ),
          '',
        ]
      : []),
    `dead letters: ${status.letters.dead}${status.letters.dead > 0 ? ` (${byReason(status.letters.byReason.dead)})` : ''}`,
    `parked letters: ${status.letters.parked}${status.letters.parked > 0 ? ` (${byReason(status.letters.byReason.parked)})` : ''}`,
    ...(status.letters.purged > 0
      ? [`purged letters: ${status.letters.purged} (${byReason(status.letters.byReason.purged)}), removed after their retention`]
      : []),
    '',
  ].join('\n');
}
