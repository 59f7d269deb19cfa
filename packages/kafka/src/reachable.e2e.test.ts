import { createServer, type Server, type Socket } from 'node:net';
import { KAFKA_BROKERS_ENV, requireEnv } from '@tthc/test-support';
import { ensureKafkaReachable, KafkaUnavailableError } from './reachable';

/** Issue #18, point 3: a start against no broker says so in seconds, naming Kafka and the address. */
describe('ensureKafkaReachable', () => {
  it('lets a start go on when the broker answers', async () => {
    await expect(ensureKafkaReachable(requireEnv(KAFKA_BROKERS_ENV).split(','))).resolves.toBeUndefined();
  });

  it('names Kafka, the brokers and the refusal when nothing listens', async () => {
    const error = await ensureKafkaReachable(['127.0.0.1:1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect(error).toMatchObject({
      code: 'KAFKA_UNAVAILABLE',
      message: expect.stringMatching(/^Kafka unavailable: no broker answered at 127\.0\.0\.1:1 \(connect ECONNREFUSED/) as unknown,
    });
  });

  it('goes on when one broker of the list answers and another does not', async () => {
    const [live] = requireEnv(KAFKA_BROKERS_ENV).split(',');
    await expect(ensureKafkaReachable(['127.0.0.1:1', live ?? ''])).resolves.toBeUndefined();
  });

  describe('against a port that accepts connections and never answers', () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      silent = createServer((socket) => {
        sockets.add(socket);
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      // kafkajs leaves its end of a connection that timed out for the server to close.
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up at its bound instead of waiting for ever', async () => {
      const error = await ensureKafkaReachable([`127.0.0.1:${port}`], { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'KAFKA_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${port}`) as unknown });
    });
  });
});
