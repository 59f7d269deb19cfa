import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DashboardAssets {
  /** The page; it tells its script whether reads need a token, so that it asks for one first. */
  html(tokenRequired: boolean): string;
  readonly files: Readonly<Record<string, { readonly contentType: string; readonly body: string }>>;
}

/** Beside src/ and dist/ alike, so the server finds it from its sources (tests) and its build. */
const DIR = join(__dirname, '..', 'dashboard');

/**
 * The dashboard's page, style and script, read once when the server starts. The script is the bundle
 * `pnpm build` makes of dashboard/app.ts with the charting library in it: the page loads nothing
 * from anywhere else.
 */
export function dashboardAssets(): DashboardAssets {
  const read = (path: string, hint: string): string => {
    try {
      return readFileSync(join(DIR, path), 'utf8');
    } catch (error) {
      throw new Error(`the dashboard's ${path} is missing (${hint})`, { cause: error });
    }
  };
  const page = read('index.html', 'it is part of the sources');
  return {
    html: (tokenRequired) => page.replace('__TOKEN_REQUIRED__', String(tokenRequired)),
    files: {
      'app.css': { contentType: 'text/css; charset=utf-8', body: read('app.css', 'it is part of the sources') },
      'app.js': { contentType: 'text/javascript; charset=utf-8', body: read('dist/app.js', 'run pnpm build, which bundles it') },
    },
  };
}
