import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryEventStore, InMemoryIngestStore, loadAgencyRegistry } from '@tthc/core';
import { mergerRegistry, reorganiseEvents, simulateProfile } from '@tthc/simulator';
import { ingestBatch } from './ingest-batch';

/**
 * Issue #19: the Lâm Đồng merger of 1 Jul 2025 (test/fixtures/registry/lam-dong-merger-2025.json).
 * A dossier received by an agency that ended keeps its history; its later events are taken under
 * the agencies that took the work over, from their systems, checked on each event's own day.
 */
const loaded = loadAgencyRegistry(JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/registry/lam-dong-merger-2025.json'), 'utf8')));
if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
const registry = loaded.registry;
const NOW = Date.parse('2025-12-31T00:00:00+07:00');

const HIEP_AN = '000.02.31.H36'; // commune, ended 2025-06-30, successor xã Đức Trọng
const DUC_TRONG_DISTRICT = '000.00.31.H36'; // district, ended; work to xã Đức Trọng and xã Hiệp Thạnh
const NHAN_CO_OLD = '000.01.31.H42'; // Đắk Nông commune, ended; successor xã Nhân Cơ
const DUC_TRONG = '000.01.01.T68'; // new commune from 2025-07-01
const HIEP_THANH = '000.02.01.T68'; // new commune from 2025-07-01, the district's other successor
const NHAN_CO = '000.03.01.T68'; // new commune from 2025-07-01
const LAMDONG = 'urn:tthc:lamdong-motcua'; // old Lâm Đồng agencies until 2025-06-30, the new ones from 2025-07-01
const DAKNONG = 'urn:tthc:daknong-motcua'; // old Đắk Nông agencies until 2025-06-30 only

let n = 0;
const at = (day: string) => `${day}T09:00:00+07:00`;
function message(source: string, subject: string, type: string, day: string, data: Record<string, unknown>) {
  n += 1;
  const event = { specversion: '1.0', id: `reorg-${n}`, source, type: `vn.gov.tthc.dossier.${type}`, subject, time: at(day), data };
  return { key: subject, value: Buffer.from(JSON.stringify(event)), origin: `${subject}/${type}/${day}/${source}` };
}
const received = (source: string, subject: string, agency: string, day: string, dueDate: string) =>
  message(source, subject, 'received.v2', day, {
    procedureCode: '1.001193',
    receivingAgencyCode: agency,
    processingAgencyCode: agency,
    channel: 'in-person',
    onlineServiceLevel: 'partial',
    receivedAt: at(day),
    dueDate,
  });
const later = {
  supplementRequested: (source: string, subject: string, day: string) => message(source, subject, 'supplement-requested.v1', day, { requestedAt: at(day) }),
  supplementReceived: (source: string, subject: string, day: string, newDueDate: string) =>
    message(source, subject, 'supplement-received.v1', day, { receivedAt: at(day), newDueDate }),
  paidOnline: (source: string, subject: string, day: string) =>
    message(source, subject, 'paid-online.v1', day, { transactionId: `TX-${subject}`, amountVnd: 50_000, platform: 'payment-platform-dvcqg', paidAt: at(day) }),
  processed: (source: string, subject: string, day: string) => message(source, subject, 'processed.v1', day, { outcome: 'approved', finishedAt: at(day) }),
  returned: (source: string, subject: string, day: string) =>
    message(source, subject, 'result-returned.v1', day, { returnedAt: at(day), channel: 'in-person' }),
  withdrawn: (source: string, subject: string, day: string) => message(source, subject, 'withdrawn.v1', day, { withdrawnAt: at(day) }),
};

/** The same message, naming the successor that handles its dossier from now on. */
function handledBy(m: ReturnType<typeof message>, handlingAgencyCode: string): ReturnType<typeof message> {
  const event = JSON.parse(m.value.toString()) as { data: Record<string, unknown> };
  return { ...m, value: Buffer.from(JSON.stringify({ ...event, data: { ...event.data, handlingAgencyCode } })) };
}

async function ingest(messages: ReturnType<typeof message>[]) {
  const ingestStore = new InMemoryIngestStore();
  const eventStore = new InMemoryEventStore();
  const result = await ingestBatch({ eventStore, ingestStore, registry, source: 'file', now: () => NOW }, messages);
  const letters = new Map((await ingestStore.listLetters()).map((l) => [l.origin, `${l.reason}: ${l.message}`]));
  return messages.map((m) => [m.origin, result.outcomes.get(m.origin) === 'appended' ? 'appended' : (letters.get(m.origin) ?? result.outcomes.get(m.origin))]);
}

describe('ingest across the 1 Jul 2025 re-organisation', () => {
  it('takes every later event of a dossier whose commune ended, from the system of the agency that took it over', async () => {
    const messages = [
      received(LAMDONG, 'H36-HA-1', HIEP_AN, '2025-06-20', '2025-07-10'),
      later.supplementRequested(LAMDONG, 'H36-HA-1', '2025-06-25'),
      later.supplementReceived(LAMDONG, 'H36-HA-1', '2025-07-02', '2025-07-15'),
      later.paidOnline(LAMDONG, 'H36-HA-1', '2025-07-03'),
      later.processed(LAMDONG, 'H36-HA-1', '2025-07-04'),
      later.returned(LAMDONG, 'H36-HA-1', '2025-07-05'),
      received(LAMDONG, 'H36-HA-2', HIEP_AN, '2025-06-27', '2025-07-20'),
      later.withdrawn(LAMDONG, 'H36-HA-2', '2025-07-08'),
      // A district's work went to two communes: its dossiers go on under either.
      received(LAMDONG, 'H36-DT-1', DUC_TRONG_DISTRICT, '2025-06-10', '2025-07-10'),
      later.processed(LAMDONG, 'H36-DT-1', '2025-07-09'),
      // Đắk Nông's dossiers go on under the new commune, from the merged province's system.
      received(DAKNONG, 'H42-NC-1', NHAN_CO_OLD, '2025-06-30', '2025-07-14'),
      later.processed(LAMDONG, 'H42-NC-1', '2025-07-11'),
    ];
    const outcomes = await ingest(messages);
    expect(outcomes.filter(([, outcome]) => outcome !== 'appended')).toEqual([]);
    expect(outcomes).toHaveLength(12);
  });

  it("refuses a later event from a system that no longer speaks for the dossier's agency, naming the agencies and the day", async () => {
    const outcomes = await ingest([received(DAKNONG, 'H42-NC-2', NHAN_CO_OLD, '2025-06-29', '2025-07-14'), later.processed(DAKNONG, 'H42-NC-2', '2025-07-04')]);
    expect(outcomes[0]?.[1]).toBe('appended');
    expect(outcomes[1]?.[1]).toBe(
      `unauthorised-source: source ${DAKNONG} may not publish for agency 000.03.01.T68 (handling the work of ${NHAN_CO_OLD}) on 2025-07-04`,
    );
  });

  it('still checks each event on its own day: before the date the old system, after it the new agencies', async () => {
    const outcomes = await ingest([
      // The old system may still send a late event about a day before the date.
      received(DAKNONG, 'H42-NC-3', NHAN_CO_OLD, '2025-06-01', '2025-06-20'),
      later.processed(DAKNONG, 'H42-NC-3', '2025-06-19'),
      // A new dossier must name an agency in force on its day: the old commune is gone.
      received(LAMDONG, 'H36-HA-3', HIEP_AN, '2025-07-02', '2025-07-20'),
      received(LAMDONG, 'T68-DT-2', DUC_TRONG, '2025-07-02', '2025-07-20'),
      // …and the new one did not exist before it.
      received(LAMDONG, 'T68-DT-3', DUC_TRONG, '2025-06-30', '2025-07-20'),
    ]);
    expect(outcomes.map(([, o]) => o)).toEqual([
      'appended',
      'appended',
      `unknown-agency: agency ${HIEP_AN} is not in the registry on 2025-07-02`,
      'appended',
      `unknown-agency: agency ${DUC_TRONG} is not in the registry on 2025-06-30`,
    ]);
  });

  it("takes the successor an event names as the dossier's handler when the work went to several, and refuses one that did not take it over", async () => {
    const outcomes = await ingest([
      received(LAMDONG, 'H36-DT-2', DUC_TRONG_DISTRICT, '2025-06-10', '2025-07-10'),
      // The district's work went to xã Đức Trọng and xã Hiệp Thạnh: this dossier now lies with Hiệp Thạnh.
      handledBy(later.supplementRequested(LAMDONG, 'H36-DT-2', '2025-07-02'), HIEP_THANH),
      later.supplementReceived(LAMDONG, 'H36-DT-2', '2025-07-03', '2025-07-20'),
      later.processed(LAMDONG, 'H36-DT-2', '2025-07-09'),
      received(LAMDONG, 'H36-DT-3', DUC_TRONG_DISTRICT, '2025-06-11', '2025-07-10'),
      // Xã Nhân Cơ took over none of the district's work.
      handledBy(later.processed(LAMDONG, 'H36-DT-3', '2025-07-09'), NHAN_CO),
      // Before the date the district is still in force: no other agency may be named.
      handledBy(later.processed(LAMDONG, 'H36-DT-3', '2025-06-20'), HIEP_THANH),
      // Đắk Nông's system may not speak for Hiệp Thạnh.
      handledBy(later.processed(DAKNONG, 'H36-DT-3', '2025-07-09'), HIEP_THANH),
    ]);
    expect(outcomes.map(([, o]) => o)).toEqual([
      'appended',
      'appended',
      'appended',
      'appended',
      'appended',
      `unknown-agency: handlingAgencyCode ${NHAN_CO} may not handle the dossier on 2025-07-09: the agencies that took over the work of ${DUC_TRONG_DISTRICT} are ${DUC_TRONG}, ${HIEP_THANH}`,
      `unknown-agency: handlingAgencyCode ${HIEP_THANH} may not handle the dossier on 2025-06-20: agency ${DUC_TRONG_DISTRICT} is still in force`,
      `unauthorised-source: source ${DAKNONG} may not publish for agency ${HIEP_THANH} (handling the work of ${DUC_TRONG_DISTRICT}) on 2025-07-09`,
    ]);
  });

  it('takes every event of a simulated merger, the dossiers that cross the date included', async () => {
    const simulation = simulateProfile(
      {
        name: 'merger',
        title: 'merger',
        period: { from: '2025-01-01', to: '2025-12-31' },
        levels: {
          province: { agencies: 3, resolved: 300, resolvedOnTime: 290 },
          district: { agencies: 2, resolved: 200, resolvedOnTime: 195 },
          commune: { agencies: 5, resolved: 400, resolvedOnTime: 398 },
        },
      },
      { seed: 5 },
    );
    const merged = loadAgencyRegistry(mergerRegistry(simulation.registry, '2025-07-01'));
    if (!merged.ok) throw new Error(JSON.stringify(merged.problems));
    const events = [...reorganiseEvents(simulation.events(), merged.registry, '2025-07-01')];
    const ingestStore = new InMemoryIngestStore();
    const messages = events.map((e) => ({ key: e.subject, value: Buffer.from(JSON.stringify(e)), origin: e.id }));
    const result = await ingestBatch(
      { eventStore: new InMemoryEventStore(), ingestStore, registry: merged.registry, source: 'file', now: () => NOW },
      messages,
    );
    expect((await ingestStore.listLetters()).map((l) => `${l.reason}: ${l.message}`)).toEqual([]);
    expect([...result.outcomes.values()].filter((o) => o !== 'appended')).toEqual([]);
    expect(result.outcomes.size).toBe(events.length);
  });
});
