import { execFileSync } from 'node:child_process';

/** Which code a run measured: the checkout's commit, and whether its sources differed from it. */
export interface CodeVersion {
  /** `git rev-parse HEAD`, or `unknown` outside a git checkout. */
  readonly commit: string;
  /**
   * True when tracked files other than `bench/results/` had changes not committed (the figures are
   * then of code no commit holds); null when git could not say. The built `dist/` folders that the
   * rows run are not tracked: `pnpm bench` builds them first, `node bench/dist/main.js` does not.
   */
  readonly uncommittedChanges: boolean | null;
}

function git(args: readonly string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function describeCode(cwd: string): CodeVersion {
  const commit = git(['rev-parse', 'HEAD'], cwd);
  if (commit === undefined) return { commit: 'unknown', uncommittedChanges: null };
  // The bench's own results are rewritten by every run; they are not code.
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], cwd);
  return { commit, uncommittedChanges: status === undefined ? null : status !== '' };
}
