import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEAD_LETTER_REASONS,
  InMemoryEventStore,
  InMemoryIngestStore,
  mayBeRegistryEvent,
  PARKED_REASON,
  parseRegistryEvent,
  type AgencyRegistry,
  type DeadLetterReason,
} from '@tthc/core';
import { ingestBatch, type IngestContext } from './ingest-batch';
import { ingestSyncBatch } from './sync-door';

/**
 * docs/ingest.md lists every refusal reason with an example line that follows a few context lines.
 * The list must be the code's, and each example must really get its reason.
 */
const DOC = join(__dirname, '..', '..', '..', 'docs', 'ingest.md');
const SECTION = '## Refusal reasons';
const CONTEXT = 'Context lines';
/** A fixed moment of ingest, after every time of the examples, so that `implausible-time` does not depend on the clock. */
const NOW = Date.parse('2024-06-01T00:00:00+07:00');

type Reason = DeadLetterReason | typeof PARKED_REASON;
const ALL_REASONS: readonly Reason[] = [...DEAD_LETTER_REASONS, PARKED_REASON];
/** Only a store's refusal makes it; the in-memory stores refuse nothing. */
const STORE_ONLY: Reason = 'store-rejected';
/** Only the second door makes it: its example is a DVCQG sync record, sent by the context's system. */
const SYNC_DOOR_ONLY: Reason = 'invalid-sync-record';

/** The `### ` subsections of the doc's refusal section: heading text, and the lines of each ```ndjson block. */
function readSection(): { heading: string; blocks: string[][] }[] {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`docs/ingest.md has no "${SECTION}" section`);
  const rest = doc.slice(start + SECTION.length + 2);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return section
    .split(/^### /m)
    .slice(1)
    .map((part) => {
      const newline = part.indexOf('\n');
      const heading = part.slice(0, newline).trim();
      // A block's lines end with a newline each: an empty line is one empty example, an empty block none.
      const blocks = [...part.slice(newline).matchAll(/^```ndjson\n([\s\S]*?)^```$/gm)].map(([, body = '']) =>
        body === '' ? [] : body.slice(0, -1).split('\n'),
      );
      return { heading, blocks };
    });
}

const subsections = readSection();
const reasonHeading = /^`([^`]+)`$/;
const headedReasons = subsections.flatMap((s) => reasonHeading.exec(s.heading)?.[1] ?? []);

/** The one example line under a reason's heading. */
function exampleOf(reason: Reason): string {
  const found = subsections.filter((s) => s.heading === `\`${reason}\``);
  expect(found).toHaveLength(1);
  const blocks = found[0]?.blocks ?? [];
  expect(blocks.map((b) => b.length)).toEqual([1]);
  return blocks[0]?.[0] ?? '';
}

/** A doc line's bytes: `\xHH` is one raw byte; every other escape (JSON's `\u0000`, `\\`) stays as written. */
function rawBytes(line: string): Buffer {
  const parts = [...line.matchAll(/\\x([0-9A-Fa-f]{2})|\\[\s\S]|[^\\]+|\\$/g)].map(([text, hex]) =>
    hex === undefined ? Buffer.from(text, 'utf8') : Buffer.from([Number.parseInt(hex, 16)]),
  );
  return Buffer.concat(parts);
}

/** Fresh in-memory stores; the context ingested (its registry line put in force); then the example alone. */
async function ingestAfterContext(example: string, door: 'cloudevents' | 'dvcqg' = 'cloudevents') {
  const context = subsections.filter((s) => s.heading === CONTEXT);
  expect(context).toHaveLength(1);
  expect(context[0]?.blocks).toHaveLength(1);
  const lines = context[0]?.blocks[0] ?? [];

  const eventStore = new InMemoryEventStore();
  const ingestStore = new InMemoryIngestStore();
  let registry: AgencyRegistry | undefined;
  const events = [];
  for (const [i, line] of lines.entries()) {
    if (mayBeRegistryEvent(line)) {
      const parsed = parseRegistryEvent(rawBytes(line));
      if (!parsed.ok) throw new Error(`the context's registry line is refused: ${JSON.stringify(parsed.problems)}`);
      registry = parsed.registry;
    } else events.push({ key: null, value: rawBytes(line), origin: `context:${i + 1}` });
  }
  if (!registry) throw new Error('the context lines give no agency registry');
  const ctx: IngestContext = { eventStore, ingestStore, registry, source: 'file', now: () => NOW };

  const setup = await ingestBatch(ctx, events);
  expect(events.length).toBeGreaterThan(0);
  expect(events.map((e) => setup.outcomes.get(e.origin))).toEqual(events.map(() => 'appended'));
  await expect(ingestStore.listLetters()).resolves.toEqual([]);

  const origin = 'example';
  const message = { key: null, value: rawBytes(example), origin };
  const result =
    door === 'dvcqg' ? await ingestSyncBatch(ctx, [message], { format: 'dvcqg', source: 'urn:tthc:lamdong-motcua' }) : await ingestBatch(ctx, [message]);
  return { origin, outcome: result.outcomes.get(origin), letters: await ingestStore.listLetters() };
}

describe('the refusal reasons in docs/ingest.md', () => {
  it('heads exactly the reasons ingest gives, in the order of DEAD_LETTER_REASONS, then the parked one', () => {
    expect(headedReasons).toEqual(ALL_REASONS);
  });

  it(`lists ${STORE_ONLY} with one example line (only a store's refusal makes it: not ingested here)`, () => {
    expect(exampleOf(STORE_ONLY)).not.toBe('');
  });

  describe('each example, after the context lines, gets its reason', () => {
    it.each(DEAD_LETTER_REASONS.filter((r) => r !== STORE_ONLY))('%s', async (reason) => {
      const { origin, outcome, letters } = await ingestAfterContext(exampleOf(reason), reason === SYNC_DOOR_ONLY ? 'dvcqg' : 'cloudevents');
      expect(outcome).toBe('dead');
      expect(letters).toMatchObject([{ origin, reason, status: 'dead' }]);
    });

    it(`${SYNC_DOOR_ONLY} keeps no personal field of the record`, async () => {
      const { letters } = await ingestAfterContext(exampleOf(SYNC_DOOR_ONLY), 'dvcqg');
      const kept = Buffer.from(letters[0]?.value ?? new Uint8Array()).toString('utf8');
      expect(JSON.parse(kept)).toMatchObject({ door: 'dvcqg', source: 'urn:tthc:lamdong-motcua', record: { MaHoSo: 'H36-2024-000005', TrangThaiHoSo: '9' } });
      expect(kept).not.toMatch(/ChuHoSo|Nguyễn|SoDienThoai|0912345678/);
      expect(letters[0]?.message).toMatch(/^NgayKetThucXuLy: is required when TrangThaiHoSo is 9/);
    });

    it(PARKED_REASON, async () => {
      const { origin, outcome, letters } = await ingestAfterContext(exampleOf(PARKED_REASON));
      expect(outcome).toBe('parked');
      expect(letters).toMatchObject([{ origin, reason: PARKED_REASON, status: 'parked' }]);
    });
  });
});
