import { statSync } from 'node:fs';
import type { IngestCounts, TimeBounds } from '@tthc/core';
import { consumeKafka, HealthState, INGEST_DEFAULTS, ingestFile, IngestMetrics, startOpsServer } from '@tthc/ingest';
import type { Logger } from '@tthc/logging';
import type { Stores } from '@tthc/stores';
import { stopSignal, withStores, type Output } from '../context';
import { ingestOptions, parseOptions, timeBoundsOf } from '../options';
import { createProgress } from '../progress';
import { storedRegistryIfAny } from '../registry-source';

export async function ingestFromFile(stores: Stores, logger: Logger, file: string, batchSize: number, timeBounds?: TimeBounds): Promise<IngestCounts> {
  const size = statSync(file).size;
  // A feed may carry its own registry (a simulated one starts with it); else the store's is used.
  const registry = await storedRegistryIfAny(stores.ingestStore);
  const progress = createProgress('ingest', 'bytes');
  try {
    return await ingestFile(
      file,
      { eventStore: stores.eventStore, ingestStore: stores.ingestStore, registry, ...(timeBounds ? { timeBounds } : {}) },
      {
        batchSize,
        logger,
        signal: stopSignal(),
        onBatch: (_t, bytes) => progress.update(bytes, size),
      },
    );
  } finally {
    progress.stop();
  }
}

export async function ingestCommand(raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(ingestOptions, raw);
  const counts = await withStores(options, async (stores, logger) => {
    const timeBounds = timeBoundsOf(options);
    if (options.file !== undefined) return ingestFromFile(stores, logger, options.file, options.batchSize, timeBounds);
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
          brokers: options.brokers ?? [],
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
        },
      );
    } finally {
      progress.stop();
      await ops?.close();
    }
  });
  await out.write(`${JSON.stringify({ ingest: counts })}\n`);
}
