import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import { formatProblems, validateDossierEvent, type AnyVersionDossierEvent } from '@tthc/core';
import { createKafka, DEFAULT_EVENTS_TOPIC } from '@tthc/kafka';
import type { Logger } from '@tthc/logging';

export class InvalidEventError extends Error {
  readonly code = 'INVALID_EVENT';
  constructor(
    readonly index: number,
    readonly detail: string,
  ) {
    super(`event ${index} is invalid: ${detail}`);
    this.name = 'InvalidEventError';
  }
}

export interface PublisherOptions {
  readonly brokers: readonly string[];
  readonly topic?: string;
  readonly logger: Logger;
}

export interface Publisher {
  /** Validates every event, then sends them keyed by dossier code so that each dossier keeps its order. */
  publish(events: readonly unknown[]): Promise<void>;
  disconnect(): Promise<void>;
}

export async function createPublisher(options: PublisherOptions): Promise<Publisher> {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const kafka = createKafka({ brokers: options.brokers, clientId: 'tthc-publisher', logger: options.logger });
  // Idempotent: a retried send is written once; one request in flight keeps per-key order.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async publish(events) {
      const valid: AnyVersionDossierEvent[] = events.map((candidate, index) => {
        const result = validateDossierEvent(candidate);
        if (!result.ok) throw new InvalidEventError(index, formatProblems(result.problems));
        return result.event;
      });
      if (valid.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: valid.map((e) => ({ key: e.subject, value: JSON.stringify(e), headers: { 'ce-type': e.type, 'ce-id': e.id } })),
      });
    },
    disconnect: () => producer.disconnect(),
  };
}
