/** What a projection runner does unless told otherwise; `tthc project` and `tthc replay` show these in their help. */
export const PROJECTOR_DEFAULTS = {
  /** Events per view transaction, at most: a dossier touched several times in between is written once. */
  batchSize: 20_000,
  /** A batch commits after this long even if it is not full, so that progress and the checkpoint keep moving. */
  commitIntervalMs: 2000,
  /**
   * Dossier summaries a runner keeps in memory between commits (see DossierStates): every dossier in flight of the
   * profile ×1; 200,000 (all of them at ×5) took the processes past 300 MB (docs/benchmarks.md).
   */
  statesCapacity: 60_000,
  /** How long a runner's lease lasts unless renewed; it is renewed every third of it. */
  leaseTtlMs: 15_000,
  /** At the end of the log, how long a runner that follows it waits before it reads again. */
  pollIntervalMs: 250,
} as const;
