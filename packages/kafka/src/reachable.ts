import { Kafka, logLevel } from 'kafkajs';
import { TthcError } from '@tthc/core';

/** No broker of the list answered: a command that needs Kafka to start says so within seconds. */
export class KafkaUnavailableError extends TthcError {
  readonly code = 'KAFKA_UNAVAILABLE' as const;
}

/** How long a start waits for some broker to answer before giving up. */
export const KAFKA_REACHABLE_BOUND_MS = 10_000;

/**
 * Asks the cluster for its brokers once, without kafkajs's retries or logs, and throws
 * `KafkaUnavailableError` naming the brokers when none answers. Clients that start after it keep
 * their own retries for outages later on; this only stops a start against a wrong address or a
 * stopped broker from retrying for most of a minute and logging each attempt.
 */
export async function ensureKafkaReachable(brokers: readonly string[], options: { readonly timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? KAFKA_REACHABLE_BOUND_MS;
  const admin = new Kafka({
    clientId: 'tthc-reachability',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3_000, timeoutMs),
    requestTimeout: timeoutMs,
    // One attempt per listed broker: kafkajs picks a seed broker at random on each.
    retry: { retries: Math.max(0, brokers.length - 1), initialRetryTime: 100, maxRetryTime: 500 },
  }).admin();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([admin.connect().then(() => admin.describeCluster()), deadline]);
  } catch (error) {
    throw new KafkaUnavailableError(`Kafka unavailable: no broker answered at ${brokers.join(',')} (${reasonOf(error)})`, { cause: error });
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/** kafkajs wraps the socket's error; its own message ("Connection error: connect ECONNREFUSED …") is the useful part. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Connection error: /, '').replace(/^KafkaJSNonRetriableError\n\s*Caused by: /, '');
}
