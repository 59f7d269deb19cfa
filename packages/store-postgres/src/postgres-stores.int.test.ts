import { Client, type Pool } from 'pg';
import type { LogPosition, ReadAllOptions, RecordedEvent, StreamAppend } from '@tthc/core';
import {
  createTestDatabase,
  dailyCountsStoreContract,
  eventStoreContract,
  heldTransactionScenario,
  ingestStoreContract,
  POSTGRES_URL_ENV,
  projectionStoreContract,
  requireEnv,
  testEvent,
  type ConcurrentStore,
} from '@tthc/test-support';
import { openPostgresStores } from './open-postgres-stores';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';

async function fresh(eventStore?: PostgresEventStoreOptions) {
  const db = await createTestDatabase();
  const stores = await openPostgresStores(db.url, { poolSize: 8, ...(eventStore ? { eventStore } : {}) });
  const close = async () => {
    await stores.close();
    await db.drop();
  };
  return { stores, close };
}

/** Holds the next append touching a stream just before COMMIT, through the adapter's own hook. */
function holds() {
  const waiting = new Map<string, { entered: () => void; gate: Promise<void> }>();
  const beforeCommit = async (appends: readonly StreamAppend[]) => {
    for (const a of appends) {
      const hold = waiting.get(a.streamId);
      if (!hold) continue;
      waiting.delete(a.streamId);
      hold.entered();
      await hold.gate;
    }
  };
  const hold = (streamId: string) => {
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    waiting.set(streamId, { entered, gate });
    return { inside, release };
  };
  return { beforeCommit, hold };
}

async function openConcurrent(make?: (pool: Pool, options: PostgresEventStoreOptions) => PostgresEventStore): Promise<ConcurrentStore> {
  const h = holds();
  const { stores, close } = await fresh({ beforeCommit: h.beforeCommit });
  const store = make ? make(stores.pool, { beforeCommit: h.beforeCommit }) : stores.eventStore;
  return { store, close, hold: h.hold };
}

eventStoreContract('postgres', {
  open: async () => {
    const { stores, close } = await fresh();
    return { store: stores.eventStore, close };
  },
  openConcurrent: () => openConcurrent(),
});

projectionStoreContract('postgres', {
  open: async () => {
    const { stores, close } = await fresh();
    return { store: stores.projectionStore, close };
  },
});

dailyCountsStoreContract('postgres', {
  open: async () => {
    const { stores, close } = await fresh();
    return { store: stores, close };
  },
});

ingestStoreContract('postgres', {
  open: async () => {
    const { stores, close } = await fresh();
    return { store: stores.ingestStore, close };
  },
});

/** The naive cursor: sequence order, no regard for transactions still running. */
class PlainCursorEventStore extends PostgresEventStore {
  constructor(
    private readonly db: Pool,
    options: PostgresEventStoreOptions,
  ) {
    super(db, options);
  }

  override async readAll({ after, limit }: ReadAllOptions): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<{ tx: string; position: string; stream_id: string; revision: string; event_id: string; type: string; data: unknown }>(
      `SELECT transaction_id::text AS tx, position, stream_id, revision, event_id, type, data
         FROM events WHERE position > $1 ORDER BY position LIMIT $2`,
      [(after?.prepare ?? 0n).toString(), limit],
    );
    return rows.map((r) => ({
      streamId: r.stream_id,
      revision: BigInt(r.revision),
      position: { commit: BigInt(r.position), prepare: BigInt(r.position) } satisfies LogPosition,
      id: r.event_id,
      type: r.type,
      data: r.data,
      metadata: {},
    }));
  }
}

describe('the held-transaction test has teeth', () => {
  it('catches a store that reads the log by sequence alone: it passes the open transaction and misses its events', async () => {
    const concurrent = await openConcurrent((pool, options) => new PlainCursorEventStore(pool, options));
    try {
      const { missed, readWhileHeld } = await heldTransactionScenario(concurrent);
      expect(readWhileHeld).toHaveLength(5);
      expect(missed).toHaveLength(2);
    } finally {
      await concurrent.close();
    }
  });
});

describe('an unreachable server', () => {
  it('is reported as STORE_UNAVAILABLE, so callers know a retry may succeed', async () => {
    // Port 1 on loopback: nothing listens there.
    await expect(openPostgresStores('postgres://postgres@127.0.0.1:1/tthc')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('a connection the server ends mid-transaction', () => {
  it('fails the append with STORE_UNAVAILABLE instead of crashing the process, and the store recovers', async () => {
    const h = holds();
    const { stores, close } = await fresh({ beforeCommit: h.beforeCommit });
    try {
      const gate = h.hold('dossier-doomed');
      const doomed = stores.eventStore.appendToStream('dossier-doomed', [testEvent()]);
      await gate.inside;
      // End every other backend on this database: the held append's connection among them.
      await stores.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      gate.release();
      await expect(doomed).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(stores.eventStore.appendToStream('dossier-after', [testEvent()])).resolves.toMatchObject({ appended: 1 });
      await expect(stores.eventStore.readStream('dossier-doomed')).resolves.toEqual([]);
    } finally {
      await close();
    }
  });
});

/** A session that has begun a transaction and taken a transaction id, as a writer does at its first write. */
async function openTransaction(url: string): Promise<{ end: () => Promise<void> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  return {
    end: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

describe('the read horizon and transactions still running on the server', () => {
  it('a transaction in another database does not hold back a reader of this log', async () => {
    const { stores, close } = await fresh();
    const elsewhere = await openTransaction(requireEnv(POSTGRES_URL_ENV));
    try {
      const events = [testEvent(), testEvent()];
      await stores.eventStore.appendToStream('dossier-1', events);
      // Polled briefly: a transaction of this database's own (an autovacuum's analyze) may hold the
      // horizon for a moment; the one elsewhere stays open throughout, so a reader it held would never see them.
      let read = await stores.eventStore.readAll({ limit: 10 });
      for (const deadline = Date.now() + 5000; read.length < events.length && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        read = await stores.eventStore.readAll({ limit: 10 });
      }
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect((await stores.eventStore.backlog()).events).toBe(2);
    } finally {
      await elsewhere.end();
      await close();
    }
  });

  it('a transaction in this database that began before an append holds the append back until it ends', async () => {
    const db = await createTestDatabase();
    const stores = await openPostgresStores(db.url, { poolSize: 4 });
    try {
      const here = await openTransaction(db.url);
      const events = [testEvent(), testEvent()];
      try {
        await stores.eventStore.appendToStream('dossier-1', events);
        expect(await stores.eventStore.readAll({ limit: 10 })).toEqual([]);
        expect((await stores.eventStore.backlog()).events).toBe(0);
      } finally {
        await here.end();
      }
      const read = await stores.eventStore.readAll({ limit: 10 });
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
    } finally {
      await stores.close();
      await db.drop();
    }
  });
});
