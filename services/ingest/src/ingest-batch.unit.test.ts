import fc from 'fast-check';
import {
  dossierStreamId,
  forbiddenTextProblems,
  InMemoryEventStore,
  InMemoryIngestStore,
  loadAgencyRegistry,
  localDay,
  PARKED_REASON,
  START_OF_LOG,
  toKafkaMessage,
  toNewEvent,
  type AgencyRegistry,
  type AgencyRegistryFile,
  type AnyVersionDossierEvent,
} from '@tthc/core';
import { demoRegistry, generateDemoDataset } from '@tthc/test-support';
import { DossierCache } from './dossier-cache';
import { ingestBatch, type IncomingMessage, type IngestContext } from './ingest-batch';
import { redriveDeadLetters } from './redrive-letters';

function registryOf(file: AgencyRegistryFile = demoRegistry()): AgencyRegistry {
  const loaded = loadAgencyRegistry(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.registry;
}

const NOW = Date.parse('2024-12-31T12:00:00+07:00');
const { events } = generateDemoDataset({ seed: 11, dossiers: 40, period: { from: '2024-01-01', to: '2024-03-31' } });
type Ev = AnyVersionDossierEvent;
const firstOf = <T extends Ev['type']>(type: T): Extract<Ev, { type: T }> => {
  const e = events.find((x) => x.type === type);
  if (!e) throw new Error(`no ${type}`);
  return e as Extract<Ev, { type: T }>;
};
const streamOf = (code: string) => events.filter((e) => e.subject === code);

// Every test keeps dossiers between batches as ingest does, in a cache small enough to forget some.
function fresh(registry = registryOf()) {
  const ctx: IngestContext = {
    eventStore: new InMemoryEventStore(),
    ingestStore: new InMemoryIngestStore(),
    registry,
    source: 'file',
    now: () => NOW,
    cache: new DossierCache(4),
  };
  let line = 0;
  const message = (value: string | Buffer): IncomingMessage => ({ key: null, value, origin: `feed:${(line += 1)}` });
  return { ctx, message };
}
const lines = (list: readonly (Ev | string)[]) => list.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
const storedIds = async (ctx: IngestContext) => (await ctx.eventStore.readAll({ after: START_OF_LOG, limit: 1_000_000 })).map((e) => e.id);

describe('a payment sent again under a new event id', () => {
  const paid = firstOf('vn.gov.tthc.dossier.paid-online.v1');
  const history = streamOf(paid.subject);
  const upToPayment = history.slice(0, history.indexOf(paid) + 1);

  it('is a duplicate when it states the same payment, and is counted once', async () => {
    const { ctx, message } = fresh();
    await ingestBatch(
      ctx,
      lines(upToPayment).map((l) => message(l)),
    );
    const again = await ingestBatch(ctx, [message(JSON.stringify({ ...paid, id: 'resent-1', time: '2024-12-30T10:00:00+07:00' }))]);
    expect(again.counts).toMatchObject({ consumed: 1, appended: 0, duplicates: 1 });
    expect((await storedIds(ctx)).filter((id) => id === paid.id || id === 'resent-1')).toEqual([paid.id]);
  });

  it('is a natural-key-conflict dead letter when it claims the transaction with other content, here or on another dossier', async () => {
    const { ctx, message } = fresh();
    const other = events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2' && e.subject !== paid.subject);
    if (!other) throw new Error('no second dossier');
    await ingestBatch(
      ctx,
      lines([...upToPayment, other]).map((l) => message(l)),
    );
    const inflated = { ...paid, id: 'resent-2', data: { ...paid.data, amountVnd: paid.data.amountVnd * 100 } };
    const elsewhere = { ...paid, id: 'resent-3', subject: other.subject };
    const result = await ingestBatch(
      ctx,
      lines([inflated, elsewhere]).map((l) => message(l)),
    );
    expect(result.counts).toMatchObject({ appended: 0, deadLettered: 2 });
    const letters = await ctx.ingestStore.listLetters();
    expect(letters.map((l) => [l.reason, l.message])).toEqual([
      ['natural-key-conflict', `paid-online/${paid.data.platform}/${paid.data.transactionId} is already held by event ${paid.id} with other content`],
      [
        'natural-key-conflict',
        `paid-online/${paid.data.platform}/${paid.data.transactionId} is already held by event ${paid.id} of dossier ${paid.subject} with other content`,
      ],
    ]);
  });

  it('is caught within one batch too', async () => {
    const { ctx, message } = fresh();
    const result = await ingestBatch(
      ctx,
      lines([...upToPayment, { ...paid, id: 'resent-4' }]).map((l) => message(l)),
    );
    expect(result.counts).toMatchObject({ appended: upToPayment.length, duplicates: 1 });
  });
});

describe('parking', () => {
  const paid = firstOf('vn.gov.tthc.dossier.paid-online.v1');
  const history = streamOf(paid.subject);
  const receipt = history[0];
  if (!receipt) throw new Error('no receipt');
  const beforeReceipt = [paid, ...history.filter((e) => e !== paid)];

  it('releases a payment that came before its receipt within the same batch, and a second run appends nothing', async () => {
    const { ctx, message } = fresh();
    const feed = lines(beforeReceipt);
    const first = await ingestBatch(
      ctx,
      feed.map((l, i) => ({ ...message(l), origin: `feed:${i + 1}` })),
    );
    expect(first.counts).toEqual({ consumed: history.length, appended: history.length, duplicates: 0, deadLettered: 0, parked: 0 });
    const second = await ingestBatch(
      ctx,
      feed.map((l, i) => ({ ...message(l), origin: `feed:${i + 1}` })),
    );
    expect(second.counts).toEqual({ consumed: history.length, appended: 0, duplicates: history.length, deadLettered: 0, parked: 0 });
    expect(await ctx.ingestStore.listLetters()).toEqual([]);
  });

  it('keeps an orphan parked once however often its message comes again', async () => {
    const { ctx } = fresh();
    const orphan: IncomingMessage = { key: null, value: JSON.stringify(paid), origin: 'feed:1' };
    await ingestBatch(ctx, [orphan]);
    await ingestBatch(ctx, [orphan]);
    const totals = await ctx.ingestStore.counts();
    expect(totals.get('file')).toEqual({ consumed: 2, appended: 0, duplicates: 1, deadLettered: 0, parked: 1 });
    expect((await ctx.ingestStore.listLetters()).map((l) => [l.status, l.reason])).toEqual([['parked', PARKED_REASON]]);
  });

  it('gives a parked letter that dies the reason it died of', async () => {
    const { ctx } = fresh();
    // A payment from a system the registry does not allow: before its receipt it can only wait; once
    // the receipt is stored, it dies, unauthorised.
    const stranger = { ...paid, source: 'urn:tthc:other-system' };
    await ingestBatch(ctx, [{ key: null, value: JSON.stringify(stranger), origin: 'feed:1' }]);
    expect((await ctx.ingestStore.listLetters()).map((l) => [l.status, l.reason])).toEqual([['parked', PARKED_REASON]]);
    const result = await ingestBatch(ctx, [{ key: null, value: JSON.stringify(receipt), origin: 'feed:2' }]);
    expect(result.deadLetters.map((l) => l.reason)).toEqual(['unauthorised-source']);
    const [letter] = await ctx.ingestStore.listLetters();
    expect([letter?.status, letter?.reason, letter?.message]).toEqual([
      'dead',
      'unauthorised-source',
      `source urn:tthc:other-system may not publish for agency ${receipt.type === 'vn.gov.tthc.dossier.received.v2' ? [...new Set([receipt.data.processingAgencyCode, receipt.data.receivingAgencyCode])].join(' or ') : ''} on ${localDay(stranger.data.paidAt)}`,
    ]);
    expect((await ctx.ingestStore.counts()).get('file')).toEqual({ consumed: 2, appended: 1, duplicates: 0, deadLettered: 1, parked: 0 });
  });
});

describe('a released parked event whose id another dossier holds', () => {
  it('dies as a duplicate-id-conflict, and the rest of its batch is stored', async () => {
    const paid = firstOf('vn.gov.tthc.dossier.paid-online.v1');
    const receipt = streamOf(paid.subject)[0];
    const other = events.find((e) => e.type === 'vn.gov.tthc.dossier.received.v2' && e.subject !== paid.subject);
    if (!receipt || !other) throw new Error('no receipts');
    const { ctx } = fresh();
    // Another dossier's receipt holds the id the payment will reuse; the payment waits for its own receipt.
    await ingestBatch(ctx, [{ key: null, value: JSON.stringify({ ...other, id: 'reused-id' }), origin: 'feed:1' }]);
    await ingestBatch(ctx, [{ key: null, value: JSON.stringify({ ...paid, id: 'reused-id' }), origin: 'feed:2' }]);
    const result = await ingestBatch(ctx, [{ key: null, value: JSON.stringify(receipt), origin: 'feed:3' }]);
    expect(result.outcomes.get('feed:3')).toBe('appended');
    expect(result.deadLetters.map((l) => [l.origin, l.reason])).toEqual([['feed:2', 'duplicate-id-conflict']]);
    expect((await ctx.ingestStore.counts()).get('file')).toEqual({ consumed: 3, appended: 2, duplicates: 0, deadLettered: 1, parked: 0 });
  });
});

describe('a dossier another writer moves on behind this process', () => {
  // received, paid, supplement requested, supplement received…: the last is valid only after the request.
  const paid = firstOf('vn.gov.tthc.dossier.paid-online.v1');
  const code = paid.subject;
  const history = streamOf(code);
  const receivedAt = history.findIndex((e) => e.type === 'vn.gov.tthc.dossier.supplement-received.v1');
  const [receipt] = history;
  const behind = history.slice(1, receivedAt);
  const supplied = history[receivedAt];
  if (!receipt || !supplied || behind.length === 0) throw new Error('no dossier with a supplement');
  const otherWriter = (ctx: IngestContext) =>
    ctx.eventStore.appendToStream(
      dossierStreamId(code),
      behind.map((e) => toNewEvent(e)),
      { expected: 0n },
    );
  const storedStream = async (ctx: IngestContext) => (await ctx.eventStore.readStream(dossierStreamId(code))).map((e) => e.id);

  it('has its next event decided on the stored stream, not refused on what this process kept', async () => {
    const { ctx, message } = fresh();
    await ingestBatch(ctx, [message(JSON.stringify(receipt))]);
    await otherWriter(ctx);
    const result = await ingestBatch(ctx, [message(JSON.stringify(supplied))]);
    expect(result.counts).toEqual({ consumed: 1, appended: 1, duplicates: 0, deadLettered: 0, parked: 0 });
    expect(await storedStream(ctx)).toEqual([receipt, ...behind, supplied].map((e) => e.id));
  });

  it('counts an event the other writer stored already as a duplicate, stored once', async () => {
    const { ctx, message } = fresh();
    await ingestBatch(ctx, [message(JSON.stringify(receipt))]);
    await otherWriter(ctx);
    const result = await ingestBatch(
      ctx,
      [...behind, supplied].map((e) => message(JSON.stringify(e))),
    );
    expect(result.counts).toEqual({ consumed: behind.length + 1, appended: 1, duplicates: behind.length, deadLettered: 0, parked: 0 });
    expect(await storedStream(ctx)).toEqual([receipt, ...behind, supplied].map((e) => e.id));
  });
});

describe('the agency registry', () => {
  it('is checked on the day the event is about, not the day it was sent', async () => {
    const receipt = firstOf('vn.gov.tthc.dossier.received.v2');
    const file = demoRegistry();
    // The agency begins the day after the receipt; the envelope's time is a week later, when it exists.
    const day = receipt.data.receivedAt.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const agencies = file.agencies.map((a) => (a.code === receipt.data.processingAgencyCode ? { ...a, validFrom: next } : a));
    const { ctx, message } = fresh(registryOf({ ...file, agencies }));
    const sentLater = { ...receipt, time: new Date(Date.parse(receipt.data.receivedAt) + 7 * 86_400_000).toISOString() };
    const result = await ingestBatch(ctx, [message(JSON.stringify(sentLater))]);
    expect(result.counts.deadLettered).toBe(1);
    expect((await ctx.ingestStore.listLetters())[0]?.message).toBe(`agency ${receipt.data.processingAgencyCode} is not in the registry on ${day}`);
  });
});

describe('property: any order, any batching, any bad lines between', () => {
  const dossiers = [...new Set(events.map((e) => e.subject))];
  const bad = [
    '{"specversion":"1.0","id":',
    JSON.stringify({
      ...firstOf('vn.gov.tthc.dossier.paid-online.v1'),
      id: 'nul',
      data: { ...firstOf('vn.gov.tthc.dossier.paid-online.v1').data, transactionId: 'T\u0000X' },
    }),
    JSON.stringify({ ...firstOf('vn.gov.tthc.dossier.received.v2'), id: '   ' }),
    JSON.stringify({
      ...firstOf('vn.gov.tthc.dossier.received.v2'),
      id: 'future',
      data: { ...firstOf('vn.gov.tthc.dossier.received.v2').data, receivedAt: '2099-01-01T08:00:00+07:00', dueDate: '2099-01-10' },
    }),
    '',
  ];

  it('appends every event once, leaves nothing parked, dead-letters each bad line, and the counts add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Each dossier's events keep their order, except that a payment may come before the receipt; dossiers interleave at random.
        fc.array(fc.nat({ max: dossiers.length - 1 }), { minLength: events.length, maxLength: events.length }),
        fc.array(fc.boolean(), { minLength: dossiers.length, maxLength: dossiers.length }),
        fc.array(fc.tuple(fc.nat({ max: events.length }), fc.nat({ max: bad.length - 1 })), { maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 5 }),
        async (picks, paymentFirst, badAt, sizes, resent) => {
          const queues = dossiers.map((code, i) => {
            const own = streamOf(code);
            const pay = own.find((e) => e.type === 'vn.gov.tthc.dossier.paid-online.v1');
            return paymentFirst[i] && pay ? [pay, ...own.filter((e) => e !== pay)] : [...own];
          });
          const order: string[] = [];
          for (const p of picks) {
            const q = queues.find((_, i) => i >= p && (queues[i]?.length ?? 0) > 0) ?? queues.find((x) => x.length > 0);
            const e = q?.shift();
            if (e) order.push(JSON.stringify(e));
          }
          for (const i of resent) order.push(JSON.stringify(events[i]));
          const feed = [...order];
          for (const [at, which] of badAt) feed.splice(at, 0, bad[which] ?? '');
          const { ctx } = fresh();
          const messages = feed.map((value, i): IncomingMessage => ({ key: null, value, origin: `feed:${i + 1}` }));
          let total = { consumed: 0, appended: 0, duplicates: 0, deadLettered: 0, parked: 0 };
          for (let at = 0, k = 0; at < messages.length; k += 1) {
            const size = sizes[k % sizes.length] ?? 5;
            const result = await ingestBatch(ctx, messages.slice(at, at + size));
            expect(result.outcomes.size).toBe(Math.min(size, messages.length - at));
            total = {
              consumed: total.consumed + result.counts.consumed,
              appended: total.appended + result.counts.appended,
              duplicates: total.duplicates + result.counts.duplicates,
              deadLettered: total.deadLettered + result.counts.deadLettered,
              parked: total.parked + result.counts.parked,
            };
            at += size;
          }
          const stored = await ctx.eventStore.readAll({ after: START_OF_LOG, limit: 1_000_000 });
          expect(stored.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
          expect(stored.flatMap((e) => forbiddenTextProblems(e.data))).toEqual([]);
          expect(total).toEqual({ consumed: messages.length, appended: events.length, duplicates: resent.length, deadLettered: badAt.length, parked: 0 });
          expect(await ctx.ingestStore.counts()).toEqual(new Map([['file', total]]));
          expect((await ctx.ingestStore.listLetters({ status: 'parked' })).length).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a binary-mode message (CloudEvents' Kafka binding, issue #23)", () => {
  const binary = (event: Ev, origin: string): IncomingMessage => {
    const { key, value, headers } = toKafkaMessage(event, 'binary');
    return { key, value: Buffer.from(value), headers, origin };
  };
  const paid = firstOf('vn.gov.tthc.dossier.paid-online.v1');
  const history = streamOf(paid.subject);

  it('is parked with its headers when it comes before its receipt, and released by a receipt in structured mode', async () => {
    const { ctx, message } = fresh();
    const early = await ingestBatch(ctx, [binary(paid, 't/0@1')]);
    expect(early.counts).toMatchObject({ consumed: 1, parked: 1 });
    const [letter] = await ctx.ingestStore.listLetters({ status: 'parked' });
    expect(letter?.headers).toMatchObject({ ce_id: paid.id, ce_type: paid.type, 'content-type': 'application/json' });
    expect(JSON.parse(new TextDecoder().decode(letter?.value))).toEqual(paid.data);

    const rest = history.filter((e) => e !== paid);
    const later = await ingestBatch(
      ctx,
      lines(rest).map((l) => message(l)),
    );
    expect(later.unparked).toBe(1);
    expect((await storedIds(ctx)).sort()).toEqual(history.map((e) => e.id).sort());
    const [stored] =
      (await ctx.eventStore.readStreams([dossierStreamId(paid.subject)])).get(dossierStreamId(paid.subject))?.filter((e) => e.id === paid.id) ?? [];
    expect(stored?.data).toEqual(paid.data);
  });

  it('is a dead letter with its headers when its source may not publish, and is stored by a redrive once the registry allows it', async () => {
    const { ctx } = fresh(registryOf(demoRegistry('urn:tthc:another-system')));
    const receipt = history[0]!;
    const refused = await ingestBatch(ctx, [binary(receipt, 't/0@2')]);
    expect(refused.counts).toMatchObject({ consumed: 1, deadLettered: 1 });
    expect(refused.deadLetters[0]).toMatchObject({ reason: 'unauthorised-source', headers: { ce_source: receipt.source } });

    const summary = await redriveDeadLetters(ctx, registryOf(), { limit: 10 });
    expect(summary).toMatchObject({ letters: 1, appended: 1, dead: 0 });
    expect(await storedIds(ctx)).toEqual([receipt.id]);
  });
});
