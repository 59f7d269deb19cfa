import type { ProjectionStore } from '@tthc/core';
import { sleep } from '@tthc/retry';

import type { Opened } from './opened';
import { openPerTest } from './open-per-test';

export interface ProjectionStoreHarness {
  open(): Promise<Opened<ProjectionStore>>;
  dispose?(): Promise<void>;
}

/**
 * The behaviour every projection store adapter (the machinery: versions, checkpoints, leases, the
 * live switch) must show, for any projection. Its commits here carry no view rows: what a view store
 * writes with them is that view's contract (daily-counts-store-contract).
 */
export function projectionStoreContract(name: string, harness: ProjectionStoreHarness): void {
  describe(`projection store contract: ${name}`, () => {
    const store = openPerTest(harness);
    const live = () => store().ensureVersion('daily-counts', 'live');
    const at = (position: number) => ({ commit: BigInt(position), prepare: BigInt(position) });

    describe('checkpoints', () => {
      it('has no checkpoint before the first commit, then the last committed one with a running event count', async () => {
        await expect(store().readCheckpoint('daily-counts')).resolves.toBeUndefined();
        const v = await live();
        await expect(store().readCheckpoint('daily-counts')).resolves.toBeUndefined();
        await store().commit(v, { checkpoint: { commit: 5n, prepare: 7n }, events: 7 });
        await store().commit(v, { checkpoint: { commit: 9n, prepare: 12n }, events: 5 });
        await expect(store().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: { commit: 9n, prepare: 12n }, events: 12 });
        await expect(store().readCheckpoint('other')).resolves.toBeUndefined();
      });

      it('keeps the rate a runner reports with a batch', async () => {
        const v = await live();
        await store().commit(v, { checkpoint: at(1), events: 1, rate: 1234.5 });
        await expect(store().readVersion(v)).resolves.toMatchObject({ rate: 1234.5 });
        await store().commit(v, { checkpoint: at(2), events: 1 });
        await expect(store().readVersion(v)).resolves.toMatchObject({ rate: 1234.5 });
      });
    });

    describe('versions', () => {
      it('starts a projection at a live version and gives the same version to every caller; a building one takes the next number', async () => {
        const v1 = await live();
        expect(v1).toMatchObject({ projection: 'daily-counts', status: 'live', checkpoint: undefined });
        await expect(live()).resolves.toMatchObject({ version: v1.version });
        const [a, b] = await Promise.all([store().ensureVersion('daily-counts', 'building'), store().ensureVersion('daily-counts', 'building')]);
        expect(a.version).toBe(b.version);
        expect(a).toMatchObject({ status: 'building' });
        expect(a.version).toBeGreaterThan(v1.version);
        // Version numbers are unique across projections.
        const other = await store().ensureVersion('other', 'live');
        expect([v1.version, a.version]).not.toContain(other.version);
        expect((await store().listVersions('daily-counts')).map((v) => [v.version, v.status])).toEqual([
          [v1.version, 'live'],
          [a.version, 'building'],
        ]);
      });

      it('refuses commits to a retired version and keeps its record and checkpoint', async () => {
        const v1 = await live();
        await store().commit(v1, { checkpoint: at(1), events: 1 });
        const v2 = await store().ensureVersion('daily-counts', 'building');
        await store().switchLive(v2);
        await expect(store().commit(v1, { checkpoint: at(2), events: 1 })).rejects.toMatchObject({ code: 'PROJECTION_VERSION_RETIRED' });
        await expect(store().readVersion(v1)).resolves.toMatchObject({ status: 'retired', checkpoint: { events: 1 } });
        await expect(store().switchLive(v1)).rejects.toMatchObject({ code: 'PROJECTION_VERSION_RETIRED' });
        // The next building version takes a new number.
        await expect(store().ensureVersion('daily-counts', 'building')).resolves.toMatchObject({ version: v2.version + 1 });
      });
    });

    describe('leases', () => {
      it('gives a version to one owner at a time and names the holder to the others', async () => {
        const v = await live();
        await expect(store().acquireLease(v, 'runner-a', 30_000)).resolves.toMatchObject({ acquired: true, lease: { owner: 'runner-a' } });
        await expect(store().acquireLease(v, 'runner-b', 30_000)).resolves.toMatchObject({ acquired: false, holder: { owner: 'runner-a' } });
        await expect(store().acquireLease(v, 'runner-a', 30_000)).resolves.toMatchObject({ acquired: true });
        await expect(store().renewLease(v, 'runner-b', 30_000)).resolves.toBe(false);
        await expect(store().renewLease(v, 'runner-a', 30_000)).resolves.toBe(true);
        // Leases are per version.
        const v2 = await store().ensureVersion('daily-counts', 'building');
        await expect(store().acquireLease(v2, 'runner-b', 30_000)).resolves.toMatchObject({ acquired: true });
        await store().releaseLease(v, 'runner-b'); // not the holder: no effect
        await expect(store().acquireLease(v, 'runner-b', 30_000)).resolves.toMatchObject({ acquired: false });
        await store().releaseLease(v, 'runner-a');
        await expect(store().acquireLease(v, 'runner-b', 30_000)).resolves.toMatchObject({ acquired: true });
        await expect(store().readVersion(v)).resolves.toMatchObject({ lease: { owner: 'runner-b' } });
      });

      it('refuses the commit of an owner that no longer holds the lease, keeping the checkpoint; a commit naming no owner is not checked', async () => {
        const v = await live();
        await store().acquireLease(v, 'runner-a', 30_000);
        await store().commit({ ...v, owner: 'runner-a' }, { checkpoint: at(1), events: 1 });
        await store().releaseLease(v, 'runner-a');
        await expect(store().acquireLease(v, 'runner-b', 30_000)).resolves.toMatchObject({ acquired: true });
        await expect(store().commit({ ...v, owner: 'runner-a' }, { checkpoint: at(2), events: 1 })).rejects.toMatchObject({
          code: 'PROJECTION_LEASE_LOST',
          holder: 'runner-b',
        });
        await expect(store().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: at(1), events: 1 });
        await store().commit(v, { checkpoint: at(3), events: 1 });
        await expect(store().readCheckpoint('daily-counts')).resolves.toMatchObject({ position: at(3), events: 2 });
      });

      it('switches a version only for the owner of its lease, when an owner is given', async () => {
        const v1 = await live();
        const v2 = await store().ensureVersion('daily-counts', 'building');
        await store().acquireLease(v2, 'replay-a', 150);
        await sleep(300);
        // replay-a's lease expired and replay-b took the version: replay-a must not switch it.
        await expect(store().acquireLease(v2, 'replay-b', 30_000)).resolves.toMatchObject({ acquired: true });
        await expect(store().switchLive(v2, 'replay-a')).rejects.toMatchObject({ code: 'PROJECTION_LEASE_LOST', owner: 'replay-a', holder: 'replay-b' });
        expect((await store().listVersions('daily-counts')).map((v) => [v.version, v.status])).toEqual([
          [v1.version, 'live'],
          [v2.version, 'building'],
        ]);
        await expect(store().switchLive(v2, 'replay-b')).resolves.toEqual({ retired: v1.version });
      });

      it('refuses a lease on a retired version', async () => {
        const v1 = await live();
        const v2 = await store().ensureVersion('daily-counts', 'building');
        await store().switchLive(v2);
        await expect(store().acquireLease(v1, 'runner-a', 30_000)).rejects.toMatchObject({ code: 'PROJECTION_VERSION_RETIRED' });
        await expect(store().acquireLease({ projection: 'daily-counts', version: 999 }, 'runner-a', 30_000)).rejects.toMatchObject({
          code: 'PROJECTION_VERSION_NOT_FOUND',
        });
      });
    });
  });
}
