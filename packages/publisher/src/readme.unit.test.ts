import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('README.md', () => {
  it('shows src/examples/one-stop-shop.ts as it is, so that the sample compiles and runs', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const example = readFileSync(join(__dirname, 'examples', 'one-stop-shop.ts'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(example);
  });
});
