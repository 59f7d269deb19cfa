import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';

/**
 * An event store on the KurrentDB at `connectionString` (`kurrentdb://host:2113?tls=false`, or a
 * cluster's `kurrentdb+discover://…`). The client connects on first use; `close()` releases it.
 */
export function openKurrentDbEventStore(connectionString: string, options: KurrentDbEventStoreOptions = {}): KurrentDbEventStore {
  return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString), options);
}
