import { DEFAULT_STORE_URL } from '@tthc/stores';

/**
 * What the tthc commands do unless told otherwise, beside the services' own defaults
 * (INGEST_DEFAULTS, PROJECTOR_DEFAULTS, PUBLISHER_DEFAULTS): the commands' help shows them, and
 * commander passes them on as the options' values.
 */
export const CLI_DEFAULTS = {
  store: DEFAULT_STORE_URL,
  /** `tthc demo`'s profile, from the repository's root: Lâm Đồng's first half of 2024, from its published report. */
  demoProfile: 'test/fixtures/profiles/lam-dong-2024-h1.json',
  scale: 1,
  seed: 2024,
  format: 'text',
  cutoff: 'calendar',
  by: 'level',
  /** Events per send of `tthc publish`. */
  publishBatchSize: 1000,
  /** Events per send of `tthc simulate --kafka`. */
  simulateBatchSize: 2000,
  dlqListLimit: 100,
  dlqRedriveLimit: 10_000,
  /** `tthc dlq purge`: dead and resolved letters are kept this many days after their last change (docs/data-protection.md). */
  dlqRetentionDays: 90,
} as const;
