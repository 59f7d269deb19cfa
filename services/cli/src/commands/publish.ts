import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogger } from '@tthc/logging';
import { mayBeRegistryEvent } from '@tthc/core';
import { createPublisher, publishRegistry } from '@tthc/publisher';
import type { Output } from '../context';
import { parseOptions, publishOptions, UsageError } from '../options';
import { createProgress } from '../progress';
import { checkFeedFile } from './check-feed-file';
import { kafkaClientOf } from '../kafka-options';

export async function publishCommand(file: string, raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(publishOptions, raw);
  const { brokers, security } = kafkaClientOf(options);
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const size = statSync(file).size;
  // Nothing is sent from a file with a broken line: half a feed on the topic is harder to mend than none.
  const check = await checkFeedFile(file);
  if (check.problems.length > 0) {
    const more = check.badLines > check.problems.length ? `\n… and ${check.badLines - check.problems.length} more` : '';
    throw new UsageError(`${file}: ${check.badLines} of ${check.lines} lines are not valid; nothing was sent\n${check.problems.join('\n')}${more}`);
  }
  const publisher = await createPublisher({ brokers, ...security, topic: options.topic, contentMode: options.contentMode, logger });
  const progress = createProgress('publish', 'bytes');
  const input = createReadStream(file);
  let published = 0;
  let registries = 0;
  let lineNo = 0;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await publisher.publish(batch);
    published += batch.length;
    batch = [];
    progress.update(input.bytesRead, size);
  };
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo += 1;
      if (line.trim().length === 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new UsageError(`${file}:${lineNo}: not JSON: ${(error as Error).message}`);
      }
      if (mayBeRegistryEvent(line)) {
        // The events before it go out first; those after it are checked against it.
        await flush();
        await publishRegistry(value, { brokers, security, topic: options.registryTopic, logger });
        registries += 1;
        continue;
      }
      batch.push(value);
      if (batch.length >= options.batchSize) await flush();
    }
    await flush();
  } finally {
    progress.stop();
    await publisher.disconnect();
  }
  logger.info({ file, published, registries, topic: options.topic }, 'file published');
  await out.write(
    `${JSON.stringify({ published, topic: options.topic, contentMode: options.contentMode, registries, registryTopic: options.registryTopic })}\n`,
  );
}
