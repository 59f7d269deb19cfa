import type { Admin } from 'kafkajs';

/**
 * Creates the registry topic when it is missing: one partition (one order of registry versions),
 * compacted (the latest version per registry name is kept for as long as the topic lives).
 */
export async function ensureRegistryTopic(admin: Admin, topic: string): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
  });
}
