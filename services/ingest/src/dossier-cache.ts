import { isFinal, type DossierState } from '@tthc/core';
import { INGEST_DEFAULTS } from './defaults';

/**
 * What a dossier's stream folds to, as ingest left it: enough to decide its next events without
 * reading the stream again. Compact on purpose (no event bodies; ids and keys as fingerprints, small
 * integers that need no allocation of their own): an event whose id or dossier natural key may be
 * held already needs the stored event to tell a duplicate from a conflict, and makes ingest read
 * the stream instead; a fingerprint that matches by chance only costs that read.
 */
export interface DossierSnapshot {
  readonly state: DossierState | undefined;
  /** The stream's last revision; undefined when the stream does not exist. */
  readonly revision: bigint | undefined;
  /** Fingerprints of the ids of the stream's events and of the dossier-scope natural keys they hold. */
  readonly held: readonly number[];
}

/** A 30-bit fingerprint (FNV-1a) of an event id. */
export function idFingerprint(id: string): number {
  return fnv(id, 0x811c9dc5);
}

/** A 30-bit fingerprint of a dossier-scope natural key, apart from those of ids. */
export function keyFingerprint(key: string): number {
  return fnv(key, 0x050c5d1f);
}

function fnv(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  // 30 bits: a small integer in V8, held in an array without a heap number each.
  return h >>> 2;
}

/**
 * The snapshots of the dossiers ingest wrote last, least recently used dropped first. It is a
 * shortcut, never the authority: every append carries the snapshot's revision as its expected
 * revision, so a snapshot that another writer made stale fails the append, and ingest forgets it
 * and reads the stream. A new process starts empty and fills it from the store.
 */
export class DossierCache {
  private readonly entries = new Map<string, DossierSnapshot>();

  constructor(readonly capacity: number = INGEST_DEFAULTS.dossierCacheSize) {}

  get size(): number {
    return this.entries.size;
  }

  get(code: string): DossierSnapshot | undefined {
    const snapshot = this.entries.get(code);
    if (snapshot) {
      // Map order is insertion order: moving the entry to the end keeps it the most recently used.
      this.entries.delete(code);
      this.entries.set(code, snapshot);
    }
    return snapshot;
  }

  /**
   * Keeps a snapshot, except that of a dossier that can take no further event: anything sent for it
   * later is a duplicate or a refusal, rare enough to read its stream for, and the cache holds the
   * dossiers in flight instead of the ones done.
   */
  set(code: string, snapshot: DossierSnapshot): void {
    this.entries.delete(code);
    if (snapshot.state && isFinal(snapshot.state.status)) return;
    this.entries.set(code, snapshot);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  forget(codes: Iterable<string>): void {
    for (const code of codes) this.entries.delete(code);
  }
}
