import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { GENERATED_DIRS } from './render';

/** The repository root: the nearest directory above this file with pnpm-workspace.yaml. */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
  }
}

function filesUnder(root: string, dir: string): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Repo-relative paths that differ from `files`: missing or different, or extra in a generated directory. */
export function staleFiles(files: ReadonlyMap<string, string>, root: string = repoRoot()): { differ: string[]; extra: string[] } {
  const differ = [...files.entries()]
    .filter(([path, content]) => {
      const absolute = join(root, path);
      return !existsSync(absolute) || readFileSync(absolute, 'utf8') !== content;
    })
    .map(([path]) => path);
  const extra = GENERATED_DIRS.flatMap((dir) => filesUnder(root, dir)).filter((path) => !files.has(path));
  return { differ, extra };
}

/** Writes every file of the map and removes files in the generated directories that it lacks. */
export function writeContracts(files: ReadonlyMap<string, string>, root: string = repoRoot()): { written: string[]; removed: string[] } {
  const { differ, extra } = staleFiles(files, root);
  for (const path of differ) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, files.get(path) ?? '');
  }
  for (const path of extra) rmSync(join(root, path));
  return { written: differ, removed: extra };
}
