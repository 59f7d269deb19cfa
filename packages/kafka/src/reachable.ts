import { Kafka, logLevel } from 'kafkajs';
import { TthcError } from '@tthc/core';
import { describeKafkaSecurity, kafkajsSecurity, type KafkaSecurity } from './security';

/** No broker of the list answered: a command that needs Kafka to start says so within seconds. */
export class KafkaUnavailableError extends TthcError {
  readonly code = 'KAFKA_UNAVAILABLE' as const;
}

/** The brokers answered but refused the client's SASL credentials: a wrong user, password or mechanism. */
export class KafkaAuthenticationError extends TthcError {
  readonly code = 'KAFKA_AUTH_FAILED' as const;
}

/** The TLS handshake with the brokers failed: a certificate not trusted, a name it does not hold, or TLS to a plaintext port. */
export class KafkaTlsError extends TthcError {
  readonly code = 'KAFKA_TLS_FAILED' as const;
}

/** How long a start waits for some broker to answer before giving up. */
export const KAFKA_REACHABLE_BOUND_MS = 10_000;

/**
 * Asks the cluster for its brokers once, without kafkajs's retries or logs, and throws
 * `KafkaUnavailableError` naming the brokers when none answers. Clients that start after it keep
 * their own retries for outages later on; this only stops a start against a wrong address or a
 * stopped broker from retrying for most of a minute and logging each attempt.
 */
export async function ensureKafkaReachable(
  brokers: readonly string[],
  options: { readonly timeoutMs?: number; readonly security?: KafkaSecurity | undefined } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? KAFKA_REACHABLE_BOUND_MS;
  const admin = new Kafka({
    clientId: 'tthc-reachability',
    brokers: [...brokers],
    ...kafkajsSecurity(options.security),
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
    throw reachabilityError(error, brokers, options.security);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Which of the three a failed start is: SASL credentials refused (kafkajs does not retry those, so
 * it is said at once), a TLS handshake that failed, or no broker answering. The message names the
 * brokers and the protocol and user, never the password.
 */
function reachabilityError(error: unknown, brokers: readonly string[], security: KafkaSecurity | undefined): TthcError {
  const protocol = describeKafkaSecurity(security);
  const at = protocol === 'PLAINTEXT' ? brokers.join(',') : `${brokers.join(',')} over ${protocol}`;
  const reason = reasonOf(error);
  if (error instanceof Error && (error.name === 'KafkaJSSASLAuthenticationError' || /SASL .* authentication failed/i.test(reason)))
    return new KafkaAuthenticationError(`Kafka refused the credentials at ${at}: ${reason}; check the user, the password and the mechanism`, {
      cause: error,
    });
  if (TLS_FAILURE.test(reason))
    return new KafkaTlsError(
      `TLS to Kafka failed at ${at}: ${reason}; give the CA that signed the brokers' certificates (--kafka-ca), and TLS only to a TLS listener`,
      { cause: error },
    );
  return new KafkaUnavailableError(`Kafka unavailable: no broker answered at ${at} (${reason})`, { cause: error });
}

/** Node's and OpenSSL's words for a handshake that failed. */
const TLS_FAILURE = /certificate|self[- ]signed|wrong version number|ssl|tls|handshake|altnames|ERR_TLS/i;

/** kafkajs wraps the socket's error; its own message ("Connection error: connect ECONNREFUSED …") is the useful part. */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Connection error: /, '').replace(/^KafkaJSNonRetriableError\n\s*Caused by: /, '');
}
