import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryEventStore, InMemoryIngestStore, loadAgencyRegistry, parseRegistryEvent, type AgencyRegistry } from '@tthc/core';
import { ingestBatch } from './ingest-batch';

/**
 * docs/registry.md says what its worked example's second version changes for ingest: an event of the
 * merged commune Hiệp An about a day from 1 Jul 2025 is refused, one about an earlier day still
 * passes, and the new commune takes events. This runs its two JSON blocks through ingest.
 */
const DOC = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'registry.md'), 'utf8');
const json = [...DOC.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map(([, body = '']) => JSON.parse(body) as Record<string, unknown>);
/** Ingest's moment, after every day below, so that no time is implausible. */
const NOW = Date.parse('2025-07-10T00:00:00+07:00');

function firstVersion(): AgencyRegistry {
  const loaded = loadAgencyRegistry(json.find((value) => !('type' in value)));
  if (!loaded.ok) throw new Error(`the first version is refused: ${JSON.stringify(loaded.problems)}`);
  return loaded.registry;
}

function secondVersion(): AgencyRegistry {
  const parsed = parseRegistryEvent(JSON.stringify(json.find((value) => 'type' in value)));
  if (!parsed.ok) throw new Error(`the second version is refused: ${JSON.stringify(parsed.problems)}`);
  return parsed.registry;
}

/** A receipt by the civil-status system at `agency` on `day`. */
function receipt(n: number, agency: string, day: string) {
  const event = {
    specversion: '1.0',
    id: `doc-registry-${n}`,
    source: 'urn:tthc:btp-hotich',
    type: 'vn.gov.tthc.dossier.received.v2',
    subject: `H36-2025-00000${n}`,
    time: `${day}T08:30:05+07:00`,
    data: {
      procedureCode: '1.001193',
      receivingAgencyCode: agency,
      processingAgencyCode: agency,
      channel: 'in-person',
      onlineServiceLevel: 'partial',
      receivedAt: `${day}T08:30:00+07:00`,
      dueDate: '2025-07-20',
    },
  };
  return { key: event.subject, value: Buffer.from(JSON.stringify(event)), origin: `receipt-${n}` };
}

const HIEP_AN = '000.02.31.H36';
const NEW_COMMUNE = '000.01.31.H36';

async function outcomes(registry: AgencyRegistry) {
  const ingestStore = new InMemoryIngestStore();
  const messages = [receipt(1, HIEP_AN, '2025-06-30'), receipt(2, HIEP_AN, '2025-07-01'), receipt(3, NEW_COMMUNE, '2025-07-01')];
  const result = await ingestBatch({ eventStore: new InMemoryEventStore(), ingestStore, registry, source: 'file', now: () => NOW }, messages);
  const reasons = new Map((await ingestStore.listLetters()).map((l) => [l.origin, l.reason]));
  return messages.map((m) => [m.origin, result.outcomes.get(m.origin), reasons.get(m.origin) ?? null]);
}

describe("docs/registry.md's change of registry, as ingest sees it", () => {
  it('under the first version, Hiệp An takes events on both sides of 1 Jul 2025', async () => {
    await expect(outcomes(firstVersion())).resolves.toEqual([
      ['receipt-1', 'appended', null],
      ['receipt-2', 'appended', null],
      ['receipt-3', 'appended', null],
    ]);
  });

  it('under the second, an event of Hiệp An about 1 Jul 2025 is unknown-agency; the day before and the new commune pass', async () => {
    await expect(outcomes(secondVersion())).resolves.toEqual([
      ['receipt-1', 'appended', null],
      ['receipt-2', 'dead', 'unknown-agency'],
      ['receipt-3', 'appended', null],
    ]);
  });
});
