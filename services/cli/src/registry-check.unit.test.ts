import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTthc } from '@tthc/test-support';

const SAMPLE = join(__dirname, '../../../test/fixtures/registry/lam-dong-sample.json');

describe('tthc registry check', () => {
  it('counts the agencies valid on a day, before and after the district level was abolished', async () => {
    const before = JSON.parse(await runTthc('registry', 'check', SAMPLE, '--on', '2025-06-30')) as { agencies: Record<string, number> };
    const after = JSON.parse(await runTthc('registry', 'check', SAMPLE, '--on', '2025-07-01')) as { agencies: Record<string, number> };
    expect(before.agencies.district).toBeGreaterThan(0);
    expect(after.agencies.district).toBe(0);
    expect(after.agencies.commune).toBeLessThan(before.agencies.commune ?? 0); // a merge
  });

  it('lists every problem of a bad file, each with its field and rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tthc-registry-'));
    try {
      const file = join(dir, 'bad.json');
      writeFileSync(file, JSON.stringify({ agencies: [{ code: 'SO-TU-PHAP', name: 'Sở Tư pháp' }], systems: [] }));
      const error = await runTthc('registry', 'check', file).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/agencies\.0\.code: must be an agency code/);
      expect((error as Error).message).toMatch(/agencies\.0\.validFrom: is required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
