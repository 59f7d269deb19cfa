/** A store under test and how to release what was opened for it (files, pools, databases). */
export interface Opened<T> {
  readonly store: T;
  readonly close: () => Promise<void>;
}
