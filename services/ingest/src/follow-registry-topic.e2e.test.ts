import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { registryEvent, type AgencyRegistry } from '@tthc/core';
import { createKafka } from '@tthc/kafka';
import { createLogger } from '@tthc/logging';
import { publishRegistry } from '@tthc/publisher';
import { openSqliteStores } from '@tthc/store-sqlite';
import { demoRegistry, KAFKA_BROKERS_ENV, requireEnv } from '@tthc/test-support';
import { followRegistryTopic } from './follow-registry-topic';

const logger = createLogger({ level: 'silent' });

describe('the registry topic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-registry-topic-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on each start adopts only the last version on the topic, so an older one never comes back', async () => {
    const brokers = requireEnv(KAFKA_BROKERS_ENV).split(',');
    const topic = `tthc.registry-test.${randomBytes(4).toString('hex')}`;
    const envelope = { source: 'urn:tthc:simulator', subject: 'demo', time: '2024-01-01T00:00:00+07:00' };
    const older = demoRegistry();
    const newer = demoRegistry();
    newer.agencies[1] = { ...newer.agencies[1]!, name: 'Sở A (đổi tên)' };
    await publishRegistry(registryEvent(older, { ...envelope, id: 'r-1' }), { brokers, topic, logger });
    await publishRegistry(registryEvent(newer, { ...envelope, id: 'r-2' }), { brokers, topic, logger });

    const stores = openSqliteStores(join(dir, 'store.sqlite'));
    try {
      for (let start = 0; start < 2; start += 1) {
        const seen: AgencyRegistry[] = [];
        const follower = await followRegistryTopic(createKafka({ brokers, clientId: 'test', logger }), {
          topic,
          ingestStore: stores.ingestStore,
          logger,
          onRegistry: (r) => seen.push(r),
        });
        await follower.stop();
        expect(seen.map((r) => r.agencyOn(newer.agencies[1]!.code, '2024-03-01')?.name)).toEqual(['Sở A (đổi tên)']);
        await expect(stores.ingestStore.loadRegistry()).resolves.toEqual({ version: 1, registry: newer });
      }
    } finally {
      await stores.close();
    }
  });
});
