import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('README.md', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const example = (name: string) => readFileSync(join(__dirname, 'examples', name), 'utf8');
  /** The page's JavaScript and TypeScript blocks, in order. */
  const codeBlocks = [...readme.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((match) => match[1]);

  it('starts with the install from the tarball and the quick start, src/examples/quick-start.ts as it is', () => {
    expect(readme.match(/^## .*$/gm)?.slice(0, 2)).toEqual(['## Install', '## Quick start']);
    // npm names the tarball after the version: a new version needs this page's install line changed too.
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(readme).toContain(`npm install ./tthc-publisher-${version}.tgz`);
    // The first code block a reader meets is the file that `pnpm typecheck` compiles and packed.e2e.test.ts runs.
    expect(codeBlocks[0]).toBe(example('quick-start.ts'));
  });

  it('shows src/examples/one-stop-shop.ts as it is, so that the sample compiles and runs', () => {
    expect(codeBlocks).toContain(example('one-stop-shop.ts'));
  });
});
