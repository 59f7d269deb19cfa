import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgencyRegistry, parseRegistryEvent } from '@tthc/core';
import { runTthc } from '@tthc/test-support';
import { REGISTRY_EVENT_SCHEMA_ID, REGISTRY_EXAMPLE_V1, REGISTRY_FILE_SCHEMA_ID, registrySamplePath } from './index';
import { readContract, schemaErrors } from './registry-ajv.helper.test';

/**
 * docs/registry.md is how a province learns to write its registry: its JSON must be valid by the
 * published schemas and the registry rules, its event must be the published sample, and every
 * command it shows must print what it says.
 */
const DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'registry.md'), 'utf8');
const blocks = (lang: string): string[] => [...DOC.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1] ?? '');

const read = readContract;
const errorsOf = schemaErrors;

const json = blocks('json').map((text) => JSON.parse(text) as Record<string, unknown>);
const event = json.find((value) => 'type' in value);
const registryFiles = json.filter((value) => !('type' in value));

describe('docs/registry.md', () => {
  it('has a registry file and a registry event, and no other JSON', () => {
    expect(registryFiles).toHaveLength(1);
    expect(event).toBeDefined();
    expect(json).toHaveLength(2);
  });

  it('shows registry files that the published schema and the registry rules accept', () => {
    for (const file of registryFiles) {
      expect(errorsOf(REGISTRY_FILE_SCHEMA_ID, file)).toEqual([]);
      expect(loadAgencyRegistry(file)).toMatchObject({ ok: true });
    }
    expect(registryFiles[0]).toEqual(REGISTRY_EXAMPLE_V1);
  });

  it('shows the registry event of schemas/samples, valid by the published schema and the code', () => {
    expect(errorsOf(REGISTRY_EVENT_SCHEMA_ID, event)).toEqual([]);
    expect(parseRegistryEvent(JSON.stringify(event))).toMatchObject({ ok: true });
    expect(event).toEqual(read(registrySamplePath()));
  });

  it('prints what tthc prints for each command it shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tthc-registry-doc-'));
    try {
      // The names the page gives its files: the first version, and the data of the second.
      const named: Record<string, unknown> = { 'lam-dong-v1.json': registryFiles[0], 'lam-dong-v2.json': event?.data };
      for (const [name, value] of Object.entries(named)) writeFileSync(join(dir, name), JSON.stringify(value));
      const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
      const sessions = blocks('console')
        .join('')
        .split(/^\$ pnpm -s tthc /m)
        .slice(1);
      expect(sessions.length).toBeGreaterThanOrEqual(5);
      for (const session of sessions) {
        const [command = '', ...expected] = session.trimEnd().split('\n');
        const args = command.split(' ').map((arg) => (arg in named ? join(dir, arg) : arg));
        if (args[1] === 'import') args.push('--store', store);
        const printed = (await runTthc(...args)).replaceAll(`${dir}/`, '').trimEnd();
        expect([command, printed]).toEqual([command, expected.join('\n')]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
