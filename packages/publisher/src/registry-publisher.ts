import { Partitioners } from 'kafkajs';
import { parseRegistryEvent } from '@tthc/core';
import { createKafka, ensureKafkaReachable, ensureRegistryTopic, IDEMPOTENT_PRODUCER_RETRY, type KafkaSecurity } from '@tthc/kafka';
import type { Logger } from '@tthc/logging';
import { PUBLISHER_DEFAULTS } from './config';
import { InvalidEventError } from './envelope';

/**
 * Publishes an agency registry version to the compacted registry topic, keyed by the registry's
 * name, and returns once every in-sync replica has it: an ingest that starts
 * after this call checks every event against it; one already running, from the batch after it reads it.
 */
export async function publishRegistry(
  event: unknown,
  options: { readonly brokers: readonly string[]; readonly security?: KafkaSecurity | undefined; readonly topic?: string; readonly logger: Logger },
): Promise<{ topic: string; subject: string }> {
  const parsed = parseRegistryEvent(JSON.stringify(event));
  if (!parsed.ok) throw new InvalidEventError(parsed.problems, { type: 'agency-registry' });
  const topic = options.topic ?? PUBLISHER_DEFAULTS.registryTopic;
  await ensureKafkaReachable(options.brokers, { security: options.security });
  const kafka = createKafka({ brokers: options.brokers, security: options.security, clientId: PUBLISHER_DEFAULTS.clientId, logger: options.logger });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    retry: IDEMPOTENT_PRODUCER_RETRY,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await ensureRegistryTopic(admin, topic);
    await producer.send({ topic, acks: -1, messages: [{ key: parsed.event.subject, value: JSON.stringify(parsed.event) }] });
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
  options.logger.info({ topic, registry: parsed.event.subject, id: parsed.event.id }, 'agency registry published');
  return { topic, subject: parsed.event.subject };
}
