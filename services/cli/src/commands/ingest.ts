import { statSync } from 'node:fs';
import { TthcError, ZERO_RECORD_COUNTS, type IngestCounts, type RecordCounts, type TimeBounds } from '@tthc/core';
import { consumeKafka, HealthState, INGEST_DEFAULTS, ingestFile, IngestMetrics, startOpsServer, type SyncDoor } from '@tthc/ingest';
import type { Logger } from '@tthc/logging';
import type { Stores } from '@tthc/stores';
import { stopSignal, withStores, type Output } from '../context';
import { interruptedExitCode, stopSignalName } from '../stop-signal';
import { ingestOptions, parseOptions, timeBoundsOf } from '../options';
import { createProgress } from '../progress';
import { storedRegistryIfAny } from '../registry-source';
import { kafkaClientOf } from '../kafka-options';

/** Raised when a signal stopped a file's ingest before its end; `exitCode` is the shell's for that signal. */
export class InterruptedError extends TthcError {
  readonly code = 'INTERRUPTED';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Raised when a file's events were all refused: nothing was stored, which is never a success. */
export class AllRefusedError extends TthcError {
  readonly code = 'ALL_REFUSED';
}

/**
 * A run that refused events and stored or parked none is a failure, not a quiet success: the usual
 * cause is a feed meant for another store. A rerun of a stored file refuses nothing (its letters
 * count as duplicates) and still succeeds.
 */
export function nothingNewStored(counts: IngestCounts): boolean {
  return counts.deadLettered > 0 && counts.appended === 0 && counts.parked === 0;
}

/** `12,345` in English digits: these lines are the command's own words, in English as its errors are. */
const count = (n: number) => n.toLocaleString('en-US');

/** Dead letters by reason, most first, as one line: `14,499 refused: 14,499 wrong-expected-state`. */
export function deadLetterSummary(byReason: ReadonlyMap<string, number>): string {
  const total = [...byReason.values()].reduce((a, b) => a + b, 0);
  const parts = [...byReason].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${count(n)} ${reason}`);
  return `${count(total)} event${total === 1 ? '' : 's'} refused (${parts.join(', ')}); \`tthc dlq list\` shows each`;
}

export async function ingestFromFile(
  stores: Stores,
  logger: Logger,
  file: string,
  batchSize: number,
  timeBounds?: TimeBounds,
  door?: { readonly door: SyncDoor; readonly onRecords: (totals: RecordCounts) => void },
): Promise<IngestCounts> {
  const size = statSync(file).size;
  // A feed may carry its own registry (a simulated one starts with it); else the store's is used.
  const registry = await storedRegistryIfAny(stores.ingestStore);
  const progress = createProgress('ingest', 'bytes');
  // On a terminal a person reads the refusals summed up by reason at the end, not a line each (at
  // debug level); piped, each stays a warn line, the structured log a collector keeps as before.
  const terminal = process.stderr.isTTY;
  const byReason = new Map<string, number>();
  let lastLine = 0;
  let records = ZERO_RECORD_COUNTS;
  let counts: IngestCounts;
  try {
    counts = await ingestFile(
      file,
      { eventStore: stores.eventStore, ingestStore: stores.ingestStore, registry, ...(timeBounds ? { timeBounds } : {}) },
      {
        batchSize,
        logger,
        ...(door
          ? {
              door: door.door,
              onRecords: (totals: RecordCounts) => {
                records = totals;
                door.onRecords(totals);
              },
            }
          : {}),
        signal: stopSignal(),
        deadLetterLogLevel: terminal ? 'debug' : 'warn',
        onDeadLetter: (reason) => byReason.set(reason, (byReason.get(reason) ?? 0) + 1),
        onBatch: (_t, bytes, line) => {
          lastLine = line;
          progress.update(bytes, size);
        },
      },
    );
  } finally {
    progress.stop();
  }
  if (terminal && byReason.size > 0) process.stderr.write(`tthc: ${file}: ${deadLetterSummary(byReason)}\n`);
  if (stopSignal().aborted) {
    const signal = stopSignalName();
    throw new InterruptedError(
      `${file}: stopped by ${signal ?? 'a signal'} ${lastLine > 0 ? `after line ${count(lastLine)}` : 'before its first batch was stored'}: ` +
        `${count(counts.appended)} events stored in this run; ` +
        `run the same command again to resume: the lines already stored count as duplicates and the rest is appended`,
      interruptedExitCode(signal),
    );
  }
  if (door && records.refused > 0 && counts.appended === 0 && counts.parked === 0) {
    throw new AllRefusedError(
      `${file}: nothing was stored: of its ${count(records.records)} sync records ${count(records.refused)} were refused ` +
        `and the rest stated ${count(counts.duplicates)} events already stored and ${count(counts.deadLettered)} refused; ` +
        `\`tthc dlq list --reason invalid-sync-record\` shows why; is this the store you meant (--store), and the --source?`,
    );
  }
  if (nothingNewStored(counts)) {
    throw new AllRefusedError(
      `${file}: nothing was stored: every one of its ${count(counts.consumed)} events was refused or already stored ` +
        `(${count(counts.deadLettered)} refused${terminal ? '' : `: ${deadLetterSummary(byReason)}`}, ${count(counts.duplicates)} already stored); ` +
        `is this the store you meant (--store)?`,
    );
  }
  return counts;
}

export async function ingestCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(ingestOptions, raw);
  const door: SyncDoor | undefined = options.format === 'dvcqg' && options.source !== undefined ? { format: 'dvcqg', source: options.source } : undefined;
  // The records a sync door read, refused and read into events: printed beside the events' counts.
  let records: RecordCounts | undefined;
  const onRecords = (totals: RecordCounts) => (records = totals);
  const counts = await withStores(options, async (stores, logger) => {
    const timeBounds = timeBoundsOf(options);
    if (options.file !== undefined) return ingestFromFile(stores, logger, options.file, options.batchSize, timeBounds, door ? { door, onRecords } : undefined);
    // Updated from the registry topic before and while consuming.
    const registry = await storedRegistryIfAny(stores.ingestStore);
    const metrics = new IngestMetrics();
    const health = new HealthState();
    // A long-running consumer serves /metrics and /health; a catch-up run does so only when asked.
    const port = options.metricsPort ?? (options.untilIdle ? undefined : INGEST_DEFAULTS.metricsPort);
    const ops = port === undefined ? undefined : await startOpsServer({ port, metrics, health, logger });
    const progress = createProgress('ingest', 'events');
    try {
      return await consumeKafka(
        { eventStore: stores.eventStore, ingestStore: stores.ingestStore, registry, timeBounds },
        {
          ...kafkaClientOf(options),
          topic: options.topic,
          deadLetterTopic: options.dlqTopic,
          registryTopic: options.registryTopic,
          groupId: options.group,
          sessionTimeoutMs: options.sessionTimeoutMs,
          heartbeatIntervalMs: options.heartbeatMs,
          fetchBytesPerPartition: options.fetchBytes,
          logger,
          metrics,
          health,
          ...(options.untilIdle ? { untilIdleMs: options.idleMs } : {}),
          signal: stopSignal(),
          onBatch: (t) => progress.update(t.consumed),
          ...(door ? { door, onRecords } : {}),
        },
      );
    } finally {
      progress.stop();
      await ops?.close();
    }
  });
  await out.write(`${JSON.stringify({ ingest: counts, ...(door ? { records: records ?? ZERO_RECORD_COUNTS } : {}) })}\n`);
}
