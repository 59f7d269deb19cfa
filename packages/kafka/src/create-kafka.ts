import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@tthc/logging';
import { kafkajsSecurity, type KafkaSecurity } from './security';

/**
 * A kafkajs client whose own logs go through pino. kafkajs logs at ERROR what it then retries (a topic
 * still being created, a group rebalancing), so its errors are warnings here; a failure that outlives
 * the retries reaches our code as an exception. Its INFO chatter is debug.
 */
export function createKafka(options: {
  brokers: readonly string[];
  security?: KafkaSecurity | undefined;
  clientId: string;
  logger: Logger;
  retries?: number;
}): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...kafkajsSecurity(options.security),
    logLevel: logLevel.INFO,
    retry: { retries: options.retries ?? 8, initialRetryTime: 200 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        if (level === logLevel.ERROR || level === logLevel.WARN) log.warn(rest, message);
        else log.debug(rest, message);
      },
  });
}

/**
 * Retries for an idempotent producer: kafkajs keeps its exactly-once sequence only when a send is
 * retried until it succeeds, so sends wait out a broker outage rather than fail.
 */
export const IDEMPOTENT_PRODUCER_RETRY = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 30_000 } as const;
