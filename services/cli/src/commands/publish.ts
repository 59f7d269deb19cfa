import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogger } from '@tthc/logging';
import { createPublisher } from '@tthc/publisher';
import type { Output } from '../context';
import { parseOptions, publishOptions, UsageError } from '../options';
import { createProgress } from '../progress';

export async function publishCommand(file: string, raw: Record<string, unknown>, out: Output): Promise<void> {
  const options = parseOptions(publishOptions, raw);
  const logger = createLogger(options.logLevel ? { level: options.logLevel } : {});
  const size = statSync(file).size;
  const publisher = await createPublisher({ brokers: options.brokers, topic: options.topic, logger });
  const progress = createProgress('publish', 'bytes');
  const input = createReadStream(file);
  let published = 0;
  let lineNo = 0;
  let batch: unknown[] = [];
  const flush = async () => {
    await publisher.publish(batch);
    published += batch.length;
    batch = [];
    progress.update(input.bytesRead, size);
  };
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo += 1;
      if (line.trim().length === 0) continue;
      try {
        batch.push(JSON.parse(line));
      } catch (error) {
        throw new UsageError(`${file}:${lineNo}: not JSON: ${(error as Error).message}`);
      }
      if (batch.length >= options.batchSize) await flush();
    }
    await flush();
  } finally {
    progress.stop();
    await publisher.disconnect();
  }
  logger.info({ file, published, topic: options.topic }, 'file published');
  await out.write(`${JSON.stringify({ published, topic: options.topic })}\n`);
}
