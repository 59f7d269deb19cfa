/**
 * Where the tests find their servers: the environment first (CI and `infra/` set these), else
 * testcontainers where a container runtime exists, else a stop with the way to start them here.
 */
export const POSTGRES_URL_ENV = 'TTHC_TEST_POSTGRES_URL';
export const KAFKA_BROKERS_ENV = 'KAFKA_BROKERS';
/** The `--kafka-config` file of the local broker's SASL_SSL listener (infra/kafka/start.sh prints it). */
export const KAFKA_SECURE_CONFIG_ENV = 'KAFKA_SECURE_CONFIG';

export const HOW_TO_START = [
  'Start the servers with the project scripts and export their addresses:',
  '  bash infra/postgres/ensure.sh && export TTHC_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres',
  '  export $(bash infra/kafka/start.sh)   # KAFKA_BROKERS, and KAFKA_SECURE_CONFIG for its SASL_SSL listener',
  'or run the whole suite with them: bash infra/with-servers.sh pnpm test',
].join('\n');

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; global set-up should have provided it.\n${HOW_TO_START}`);
  return value;
}
