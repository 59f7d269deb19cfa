import type { IHeaders, Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '@tthc/kafka';

/** A message of the dead-letter topic as a test reads it: the original key and bytes, and the headers ingest set. */
export interface TopicLetter {
  readonly key: string | undefined;
  readonly value: Buffer | null;
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly sourceTopic: string | undefined;
  readonly offset: string | undefined;
  /** Every header of the letter as text: the reason's, and those kept of the original message. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

const header = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString();

/** Reads the dead-letter topic from its beginning until `count` letters have come. */
export async function readDeadLetterTopic(kafka: Kafka, topic: string, count: number, groupId: string): Promise<TopicLetter[]> {
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const letters: TopicLetter[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          letters.push({
            key: message.key?.toString(),
            value: message.value,
            reason: header(message.headers, DEAD_LETTER_HEADERS.reason),
            message: header(message.headers, DEAD_LETTER_HEADERS.message),
            sourceTopic: header(message.headers, DEAD_LETTER_HEADERS.sourceTopic),
            offset: header(message.headers, DEAD_LETTER_HEADERS.sourceOffset),
            headers: Object.fromEntries(Object.keys(message.headers ?? {}).map((name) => [name, header(message.headers, name)])),
          });
          if (letters.length === count) resolve();
          return Promise.resolve();
        },
      });
    });
    return letters;
  } finally {
    await consumer.disconnect();
  }
}
