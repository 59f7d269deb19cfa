import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** Topics and consumer groups of one Kafka suite, unique to it. */
export interface BenchTopics {
  readonly events: string;
  readonly registry: string;
  readonly deadLetters: string;
  readonly group: string;
  /** A second consumer group, for the pipeline row's second reading of the same topics. */
  readonly pipelineGroup: string;
}

/** Topics handed out and not deleted yet, so that an interrupted run can still delete them. */
const live = new Set<BenchTopics>();

export function benchTopics(): BenchTopics {
  const run = randomBytes(4).toString('hex');
  const topics = {
    events: `tthc.bench.${run}`,
    registry: `tthc.bench-registry.${run}`,
    deadLetters: `tthc.bench-dlq.${run}`,
    group: `tthc-bench-${run}`,
    pipelineGroup: `tthc-bench-${run}-pipeline`,
  };
  live.add(topics);
  return topics;
}

/**
 * Deletes a row's topics and group once it is done (the profile ×5 is several GB of log), so that the
 * broker keeps nothing of the bench. Topics that were never created are skipped.
 */
export async function deleteBenchTopics(brokers: string, topics: BenchTopics): Promise<void> {
  const kafka = new Kafka({ clientId: 'tthc-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const mine = [topics.events, topics.registry, topics.deadLetters].filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 30_000 });
    await admin.deleteGroups([topics.group, topics.pipelineGroup]).catch(() => undefined);
    live.delete(topics);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics of every row that has not deleted its own (after Ctrl-C). */
export async function deleteLiveTopics(brokers: string): Promise<void> {
  for (const topics of [...live]) await deleteBenchTopics(brokers, topics);
}
