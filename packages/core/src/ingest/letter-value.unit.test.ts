import { createHash } from 'node:crypto';
import type { KafkaHeaders } from '../events/kafka-binding';
import { keptLetterHeaders, keptLetterValue as keptWith } from './letter-value';

const keptLetterValue = (reason: Parameters<typeof keptWith>[0], bytes: Uint8Array, headers?: KafkaHeaders) =>
  keptWith(reason, bytes, (b) => createHash('sha256').update(b).digest('hex'), headers);

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const received = {
  specversion: '1.0',
  id: '0190a5b2-0000-7000-8000-000000000001',
  source: 'urn:tthc:lamdong-motcua',
  type: 'vn.gov.tthc.dossier.received.v2',
  subject: 'H36-24-0000001',
  time: '2024-03-01T08:00:00+07:00',
  data: {
    receivedAt: '2024-03-01T08:00:00+07:00',
    dueDate: '2024-03-10',
    processingAgencyCode: '000.00.01.H36',
    channel: 'online',
  },
};

/** What a one-stop-shop system might add to an event: each the kind of field the schemas forbid. */
const PERSONAL = { applicantName: 'Nguyễn Văn An', citizenId: '068090001234', phone: '0912345678', address: { street: '12 Trần Phú, Đà Lạt' } };
const markers = ['Nguyễn Văn An', '068090001234', '0912345678', 'Trần Phú'];

describe('keptLetterValue: what a letter keeps of its message (issue #22)', () => {
  it("replaces the values of fields an event's schema forbids, keeping their names and every known field", () => {
    const message = { ...received, applicant: PERSONAL.applicantName, data: { ...received.data, ...PERSONAL } };
    const kept = keptLetterValue('invalid-event', encode(message));
    expect(kept.redacted).toEqual(['data.applicantName', 'data.citizenId', 'data.phone', 'data.address', 'applicant']);
    expect(JSON.parse(text(kept.value))).toEqual({
      ...received,
      applicant: '[redacted: text of 13 characters]',
      data: {
        ...received.data,
        applicantName: '[redacted: text of 13 characters]',
        citizenId: '[redacted: text of 12 characters]',
        phone: '[redacted: text of 10 characters]',
        address: '[redacted: object of 1 fields]',
      },
    });
    for (const marker of markers) expect(text(kept.value)).not.toContain(marker);
  });

  it('keeps none of the values of data whose type is not a known event type, only their names', () => {
    const message = { ...received, type: 'vn.gov.tthc.dossier.applicant-called.v1', data: { note: PERSONAL.applicantName, minutes: 4 } };
    const kept = keptLetterValue('invalid-event', encode(message));
    expect(JSON.parse(text(kept.value))).toEqual({ ...message, data: { note: '[redacted: text of 13 characters]', minutes: '[redacted: number]' } });
  });

  it('keeps no text where the schema has an object, nor a message that is not an object', () => {
    expect(JSON.parse(text(keptLetterValue('invalid-event', encode({ ...received, data: PERSONAL.applicantName })).value))).toEqual({
      ...received,
      data: '[redacted: text of 13 characters]',
    });
    const bare = keptLetterValue('invalid-event', encode(JSON.stringify(PERSONAL.applicantName)));
    expect([JSON.parse(text(bare.value)), bare.redacted]).toEqual(['[redacted: text of 13 characters]', ['(message)']]);
  });

  it('keeps an event that breaks a rule of a known field byte for byte: nothing in it is forbidden', () => {
    const bytes = encode({ ...received, data: { ...received.data, dueDate: '10/03/2024' } });
    expect(keptLetterValue('invalid-event', bytes)).toEqual({ value: bytes, redacted: [] });
  });

  it.each(['invalid-json', 'invalid-encoding'] as const)('keeps only the size and a digest of a message never read (%s)', (reason) => {
    const bytes = encode(`{"applicantName":"${PERSONAL.applicantName}",`);
    const kept = keptLetterValue(reason, bytes);
    expect(text(kept.value)).toMatch(new RegExp(`^\\[redacted: ${bytes.length} bytes that were not read; sha256 [0-9a-f]{16}…\\]$`));
    expect(kept.redacted).toEqual(['(message)']);
    // The same bytes, the same digest: a sender can find the message in its own log.
    expect(keptLetterValue(reason, bytes).value).toEqual(kept.value);
  });

  it.each(['unknown-agency', 'unauthorised-source', 'lifecycle-violation', 'parked-lifecycle'] as const)(
    'keeps a valid event verbatim for redrive (%s)',
    (reason) => {
      const bytes = encode(received);
      expect(keptLetterValue(reason, bytes)).toEqual({ value: bytes, redacted: [] });
    },
  );

  it("keeps a binary message's data by its type's data schema, which ce_type names (issue #23)", () => {
    const headers = { 'content-type': 'application/json', ce_type: received.type, ce_id: received.id };
    const kept = keptLetterValue('invalid-event', encode({ ...received.data, ...PERSONAL }), headers);
    expect(JSON.parse(text(kept.value))).toMatchObject({ ...received.data, applicantName: '[redacted: text of 13 characters]' });
    expect(kept.redacted).toEqual(['data.applicantName', 'data.citizenId', 'data.phone', 'data.address']);
    for (const marker of markers) expect(text(kept.value)).not.toContain(marker);
    // A type it does not know: nothing of data is known, so no value is kept.
    const unknown = keptLetterValue('invalid-event', encode(received.data), { ...headers, ce_type: 'vn.gov.tthc.dossier.teleported.v1' });
    expect(Object.values(JSON.parse(text(unknown.value)) as object).every((v) => String(v).startsWith('[redacted'))).toBe(true);
  });

  it('keeps the headers the pipeline reads, and only the names of the others', () => {
    const kept = keptLetterHeaders({
      'content-type': Buffer.from('application/json'),
      ce_id: received.id,
      ce_applicantname: 'Nguyễn Văn An',
      'x-caller': Buffer.from('0912345678'),
      ce_source: [received.source, 'urn:tthc:other'],
      ce_subject: new Uint8Array([0xff]),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      empty: undefined,
    });
    expect(kept).toEqual({
      'content-type': 'application/json',
      ce_id: received.id,
      ce_applicantname: '[redacted: text of 13 characters]',
      'x-caller': '[redacted: text of 10 characters]',
      ce_source: [received.source, 'urn:tthc:other'],
      ce_subject: '[redacted: 1 bytes that were not read]',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(keptLetterHeaders(undefined)).toBeUndefined();
    expect(keptLetterHeaders({ empty: null })).toBeUndefined();
  });
});
