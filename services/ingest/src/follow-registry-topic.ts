import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { ensureRegistryTopic } from '@tthc/kafka';
import { parseRegistryEvent, type AgencyRegistry, type IngestStore } from '@tthc/core';
import type { Logger } from '@tthc/logging';
import { adoptRegistryEvent } from './adopt-registry';

export interface RegistryFollower {
  /** Stops reading the topic. */
  stop(): Promise<void>;
}

/**
 * Reads the registry topic from its beginning and keeps following it: every valid registry version
 * becomes the store's registry and is handed to `onRegistry`. Resolves once everything the topic held
 * when it started has been read, so that ingest checks its first batch against the latest registry.
 * Each ingest process reads the whole topic, so the consumer's group is its own and commits nothing.
 */
export async function followRegistryTopic(
  kafka: Kafka,
  options: { readonly topic: string; readonly ingestStore: IngestStore; readonly logger: Logger; readonly onRegistry: (registry: AgencyRegistry) => void },
): Promise<RegistryFollower> {
  const { topic, logger } = options;
  const admin = kafka.admin();
  await admin.connect();
  let offsets: { partition: number; high: string; low: string }[];
  try {
    await ensureRegistryTopic(admin, topic);
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const ends = new Map(offsets.map((p) => [p.partition, BigInt(p.high)]));
  const pending = new Set(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => p.partition));
  let caughtUp!: () => void;
  const reachedEnd = new Promise<void>((resolve) => (caughtUp = resolve));
  if (pending.size === 0) caughtUp();

  // Once stopped, the follower neither restarts after a crash (a broker restart) nor touches the
  // store, which its caller may already have closed.
  let stopped = false;
  const consumer: Consumer = kafka.consumer({
    groupId: `tthc-ingest.registry.${randomUUID()}`,
    retry: { retries: 8, initialRetryTime: 200, restartOnFailure: () => Promise.resolve(!stopped) },
  });
  // While catching up, only the last valid version counts: adopting each older one in turn would put
  // it back in force (and save it again) on every start, until compaction removes it.
  let latest: AgencyRegistry | undefined;
  const adopt = async (message: { key: string | null; value: Buffer; origin: string }, catchingUp: boolean) => {
    if (stopped) return;
    const parsed = parseRegistryEvent(message.value);
    if (catchingUp && parsed.ok) {
      latest = parsed.registry;
      pendingMessage = message;
      return;
    }
    const adopted = await adoptRegistryEvent(options.ingestStore, message, logger);
    if (adopted.ok) options.onRegistry(adopted.registry);
  };
  let pendingMessage: { key: string | null; value: Buffer; origin: string } | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (message.value !== null && message.value.length > 0) {
          await adopt({ key: message.key?.toString() ?? null, value: message.value, origin: `${topic}/${partition}@${message.offset}` }, pending.size > 0);
        }
        if (BigInt(message.offset) + 1n >= (ends.get(partition) ?? 0n) && pending.delete(partition) && pending.size === 0) {
          if (pendingMessage && latest) await adopt(pendingMessage, false);
          caughtUp();
        }
      },
    });
    await reachedEnd;
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return {
    stop: () => {
      stopped = true;
      return consumer.disconnect();
    },
  };
}
