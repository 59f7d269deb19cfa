import { createServer } from 'node:net';
import { ANY, KurrentDBClient } from '@kurrent/kurrentdb-client';
import { StoreUnavailableError } from '@tthc/core';
import { testEvent } from '@tthc/test-support';
import { toEventData } from './kurrent-event';
import { mapKurrentError } from './map-kurrent-error';
import { openKurrentDbEventStore } from './open-kurrentdb-event-store';

// The real client against a port where nothing listens: no server is faked here.
describe('kurrentdb adapter without a server', () => {
  let url: string;
  beforeAll(async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    url = `kurrentdb://127.0.0.1:${port}?tls=false`;
  });

  it('reports StoreUnavailableError on every operation', async () => {
    const store = openKurrentDbEventStore(url);
    try {
      await expect(store.readStream('dossier-A')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readAll({ limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.appendToStream('dossier-A', [testEvent()])).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('maps the client’s own failure of a multi-stream append to StoreUnavailableError', async () => {
    // The adapter reads before it appends, so the append path is checked on the client directly.
    const client = KurrentDBClient.connectionString(url);
    try {
      const error = await client
        .multiStreamAppend([{ streamName: 'dossier-A', expectedState: ANY, events: [toEventData(testEvent())] }])
        .catch((e: unknown) => e);
      expect(mapKurrentError(error)).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await client.dispose();
    }
  });
});
