import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { HOW_TO_START, KAFKA_BROKERS_ENV, POSTGRES_URL_ENV } from './servers';

interface Started {
  stop(): Promise<unknown>;
}
const started: Started[] = [];
(globalThis as { __tthcContainers?: Started[] }).__tthcContainers = started;

async function fromTestcontainers(what: string, start: () => Promise<{ value: string; container: Started }>): Promise<string> {
  try {
    const { value, container } = await start();
    started.push(container);
    return value;
  } catch (error) {
    throw new Error(
      `No ${what} for the tests: it is not in the environment and testcontainers could not start one (${(error as Error).message.split('\n')[0]}).\n${HOW_TO_START}`,
    );
  }
}

/** Runs once per tier before its tests; workers inherit the environment it sets. */
export default async function globalSetup(_global: unknown, project: { displayName?: { name?: string } | string }): Promise<void> {
  const tier = typeof project.displayName === 'string' ? project.displayName : project.displayName?.name;
  if (!process.env[POSTGRES_URL_ENV]) {
    process.env[POSTGRES_URL_ENV] = await fromTestcontainers('PostgreSQL', async () => {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:15-alpine').withUsername('postgres').withPassword('postgres').start();
      return { value: container.getConnectionUri().replace(/\/[^/]*$/, '/postgres'), container };
    });
  }
  if (tier === 'e2e') {
    // End-to-end tests run the built CLI as a process of its own; an incremental build keeps it current.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', join(__dirname, '../../tsconfig.build.json')], { stdio: 'inherit' });
  }
  if (tier === 'e2e' && !process.env[KAFKA_BROKERS_ENV]) {
    process.env[KAFKA_BROKERS_ENV] = await fromTestcontainers('Kafka broker', async () => {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      return { value: `${container.getHost()}:${container.getMappedPort(9093)}`, container };
    });
  }
}
