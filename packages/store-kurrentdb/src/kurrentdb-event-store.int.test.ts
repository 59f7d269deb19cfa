import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '@tthc/test-support';
import type { StartedTestContainer } from 'testcontainers';
import { openKurrentDbEventStore } from './open-kurrentdb-event-store';

const KURRENTDB_URL_ENV = 'KURRENTDB_URL';
const IMAGE = 'docker.kurrent.io/kurrent-latest/kurrentdb:25.1';

/**
 * Where testcontainers would find a container runtime. Tests are registered synchronously, so this
 * is a quick look at the same places (DOCKER_HOST, ~/.testcontainers.properties, the usual
 * sockets); testcontainers makes the real check when it starts the server.
 */
function containerRuntime(): string | undefined {
  if (process.env.DOCKER_HOST) return `DOCKER_HOST=${process.env.DOCKER_HOST}`;
  const properties = join(homedir(), '.testcontainers.properties');
  if (existsSync(properties) && /^\s*(docker|tc)\.host\s*=/m.test(readFileSync(properties, 'utf8'))) return properties;
  if (process.platform === 'win32') return 'the Docker named pipe';
  const xdg = process.env.XDG_RUNTIME_DIR;
  const sockets = [
    '/var/run/docker.sock',
    xdg ? join(xdg, 'docker.sock') : undefined,
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    `/run/user/${userInfo().uid}/docker.sock`,
  ];
  return sockets.find((socket): socket is string => socket !== undefined && existsSync(socket));
}

async function startKurrentDb(): Promise<{ url: string; container: StartedTestContainer }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  try {
    const container = await new GenericContainer(IMAGE)
      .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None', KURRENTDB_MEM_DB: 'true', KURRENTDB_TELEMETRY_OPTOUT: 'true' })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
      .withStartupTimeout(120_000)
      .start();
    return { url: `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`, container };
  } catch (error) {
    const why = (error as Error).message.split('\n')[0] ?? '';
    throw new Error(`No KurrentDB for the tests: ${KURRENTDB_URL_ENV} is not set and testcontainers could not start ${IMAGE} (${why})`, { cause: error });
  }
}

const configured = process.env[KURRENTDB_URL_ENV];
const runtime = configured ? undefined : containerRuntime();

if (configured !== undefined || runtime !== undefined) {
  let server: Promise<{ url: string; container?: StartedTestContainer }> | undefined;
  const serverUrl = async () => {
    server ??= configured !== undefined ? Promise.resolve({ url: configured }) : startKurrentDb();
    return (await server).url;
  };
  eventStoreContract('kurrentdb', {
    open: async () => {
      // Test isolation on a shared server: each store writes under its own prefix and reads back only its own streams.
      const store = openKurrentDbEventStore(await serverUrl(), { streamPrefix: `t${randomBytes(6).toString('hex')}-` });
      return { store, close: () => store.close() };
    },
    dispose: async () => {
      await (await server)?.container?.stop();
    },
  });
} else {
  const reason = `kurrentdb contract skipped: no ${KURRENTDB_URL_ENV} and no container runtime (no DOCKER_HOST, no Docker socket); set ${KURRENTDB_URL_ENV}=kurrentdb://127.0.0.1:2113?tls=false to run it`;
  process.stdout.write(`${reason}\n`);
  it.skip(reason, () => undefined);
}
