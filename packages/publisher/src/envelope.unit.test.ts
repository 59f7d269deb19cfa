import { validate as isUuid, version as uuidVersion } from 'uuid';
import { eventTime, validateDossierEvent, type DossierEventBody } from '@tthc/core';
import { buildDossierEvent, EVENT_METHODS, InvalidEventError, newEventId, type EventDataOf } from './envelope';
import { METHODS, SAMPLE_DATA, uuidv7Millis } from './test-data/histories';

const source = 'urn:tthc:lamdong-motcua';
const code = 'H36.01-240315-0001';

function invalid(run: () => unknown): InvalidEventError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected InvalidEventError');
}

describe('buildDossierEvent', () => {
  it('has a typed method for every current event type', () => {
    const types = METHODS.map((m) => EVENT_METHODS[m].schema.shape.type.value);
    expect(new Set(types).size).toBe(12);
    expect(types).toContain('vn.gov.tthc.dossier.received.v2');
  });

  it.each(METHODS)('%s: builds a valid CloudEvents envelope whose time is the instant in its data', (method) => {
    const before = Date.now();
    const event = buildDossierEvent(method, code, SAMPLE_DATA[method], { source });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.any(String) as unknown,
      source,
      type: EVENT_METHODS[method].schema.shape.type.value,
      subject: code,
      time: (SAMPLE_DATA[method] as Record<string, unknown>)[EVENT_METHODS[method].instant],
      data: SAMPLE_DATA[method],
    });
    // The same instant the lifecycle and the figures use.
    expect(event.time).toBe(eventTime(event as DossierEventBody));
    expect(validateDossierEvent(event)).toEqual({ ok: true, event });
    expect(isUuid(event.id) && uuidVersion(event.id)).toBe(7);
    expect(uuidv7Millis(event.id)).toBeGreaterThanOrEqual(before);
    expect(uuidv7Millis(event.id)).toBeLessThanOrEqual(Date.now());
  });

  it('takes time and id from the options when given', () => {
    const event = buildDossierEvent('processed', code, SAMPLE_DATA.processed, {
      source,
      time: '2024-04-01T15:00:05.250+07:00',
      id: 'replayed-0001',
    });
    expect(event).toMatchObject({ time: '2024-04-01T15:00:05.250+07:00', id: 'replayed-0001' });
  });

  it('refuses a wrong field, naming the field and the rule', () => {
    const data = { ...SAMPLE_DATA.received, processingAgencyCode: 'Sở Tư pháp' };
    const error = invalid(() => buildDossierEvent('received', code, data, { source }));
    expect(error.problems).toEqual([{ field: 'data.processingAgencyCode', rule: 'must be an agency code such as 000.00.00.H36' }]);
    expect(error.message).toBe('invalid vn.gov.tthc.dossier.received.v2 event: data.processingAgencyCode: must be an agency code such as 000.00.00.H36');
    expect(error).toMatchObject({ code: 'INVALID_EVENT', type: 'vn.gov.tthc.dossier.received.v2', index: undefined });
  });

  it('refuses unknown fields, so that personal data cannot slip in', () => {
    const data = { ...SAMPLE_DATA.withdrawn, applicantName: 'Nguyễn Văn A' } as EventDataOf<'withdrawn'>;
    const error = invalid(() => buildDossierEvent('withdrawn', code, data, { source }));
    expect(error.detail).toBe('data: unknown field(s) not allowed: applicantName');
  });

  it('names the instant in data once when it is wrong, not again as time', () => {
    const { finishedAt: _dropped, ...data } = SAMPLE_DATA.processed;
    const missing = invalid(() => buildDossierEvent('processed', code, data as EventDataOf<'processed'>, { source }));
    expect(missing.problems).toEqual([{ field: 'data.finishedAt', rule: 'is required (string)' }]);
    const local = invalid(() => buildDossierEvent('processed', code, { ...SAMPLE_DATA.processed, finishedAt: '2024-04-01T15:00:00' }, { source }));
    expect(local.problems.map((p) => p.field)).toEqual(['data.finishedAt']);
  });

  it('refuses a wrong dossier code, time option or source', () => {
    expect(invalid(() => buildDossierEvent('withdrawn', 'hs 1', SAMPLE_DATA.withdrawn, { source })).problems.map((p) => p.field)).toEqual(['subject']);
    const time = invalid(() => buildDossierEvent('withdrawn', code, SAMPLE_DATA.withdrawn, { source, time: '2024-03-17 08:45' }));
    expect(time.detail).toBe('time: must be an ISO 8601 date-time with an offset, e.g. 2024-03-15T08:30:00+07:00');
    expect(invalid(() => buildDossierEvent('withdrawn', code, SAMPLE_DATA.withdrawn, { source: 'lamdong' })).problems.map((p) => p.field)).toEqual(['source']);
  });
});

describe('event ids', () => {
  it('are UUIDv7 and strictly increase in the order made, even within one millisecond', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newEventId());
    const after = Date.now();
    expect(ids.every((id) => isUuid(id) && uuidVersion(id) === 7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i += 1) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // Many ids share a millisecond here; their order still holds.
    expect(new Set(ids.map(uuidv7Millis)).size).toBeLessThan(ids.length);
    expect(uuidv7Millis(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(uuidv7Millis(ids.at(-1)!)).toBeLessThanOrEqual(after + 1);
  });

  it('of envelopes built one after another sort in the order built', () => {
    const ids = METHODS.map((m) => buildDossierEvent(m, code, SAMPLE_DATA[m], { source }).id);
    expect([...ids].sort()).toEqual(ids);
  });
});
