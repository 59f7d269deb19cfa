import { execFileSync } from 'node:child_process';

/** Which code a run measured: the checkout's commit, and whether tracked files differed from it. */
export interface CodeVersion {
  /** `git rev-parse HEAD`, or `unknown` outside a git checkout. */
  readonly commit: string;
  /** True when tracked files had changes not committed (the figures are then of code no commit holds). */
  readonly uncommittedChanges: boolean;
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
  if (commit === undefined) return { commit: 'unknown', uncommittedChanges: false };
  return { commit, uncommittedChanges: (git(['status', '--porcelain', '--untracked-files=no'], cwd) ?? '') !== '' };
}
