import { generateDemoDataset, SAMPLE_RECEIVED } from '@tthc/test-support';
import { toNewEvent } from './dossier-stream';
import { contentModeOf, parseKafkaEvent, toKafkaMessage, traceOfMessage, type KafkaHeaders } from './kafka-binding';

const received = SAMPLE_RECEIVED;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A binary message of the sample, as the official SDKs write one: content-type and ce_datacontenttype beside it. */
const binary = (patch: Record<string, string | null | undefined | Uint8Array | string[]> = {}, data: unknown = received.data) => ({
  value: JSON.stringify(data),
  headers: {
    'content-type': 'application/json',
    ce_specversion: '1.0',
    ce_id: received.id,
    ce_source: received.source,
    ce_type: received.type,
    ce_subject: received.subject,
    ce_time: received.time,
    ce_datacontenttype: 'application/json',
    ...patch,
  } as KafkaHeaders,
});

const problemsOf = (result: ReturnType<typeof parseKafkaEvent>) => (result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.rule}`));

describe("CloudEvents' Kafka protocol binding", () => {
  it('tells the content modes apart by content-type, as the binding says', () => {
    expect(contentModeOf({ 'content-type': 'application/cloudevents+json; charset=UTF-8' })).toBe('structured');
    expect(contentModeOf({ 'content-type': Buffer.from('Application/CloudEvents+JSON') })).toBe('structured');
    expect(contentModeOf({ 'content-type': 'application/json', ce_id: 'x' })).toBe('binary');
    expect(contentModeOf({ 'content-type': 'text/plain' })).toBe('binary');
    expect(contentModeOf({ ce_id: 'x' })).toBe('binary');
    // Before the binding was followed, senders wrote the envelope with no content-type at all.
    expect(contentModeOf(undefined)).toBe('structured');
    expect(contentModeOf({ 'x-vendor': 'a' })).toBe('structured');
  });

  it('reads the same event from a binary message as from a structured one', () => {
    const structured = parseKafkaEvent(JSON.stringify(received), { 'content-type': 'application/cloudevents+json; charset=utf-8' });
    const fromBinary = parseKafkaEvent(binary().value, binary().headers);
    expect(structured).toMatchObject({ ok: true, mode: 'structured' });
    expect(fromBinary).toMatchObject({ ok: true, mode: 'binary' });
    if (!structured.ok || !fromBinary.ok) return;
    expect(toNewEvent(fromBinary.event)).toEqual(toNewEvent(structured.event));
  });

  it('round-trips every event of a demo day through both modes as our publisher writes them', () => {
    const { events } = generateDemoDataset({ seed: 3, dossiers: 60, period: { from: '2024-01-01', to: '2024-01-31' } });
    for (const mode of ['structured', 'binary'] as const) {
      const back = events.map((e) => {
        const m = toKafkaMessage(e, mode);
        expect(m.key).toBe(e.subject);
        const parsed = parseKafkaEvent(Buffer.from(m.value), m.headers);
        return parsed.ok ? parsed.event : parsed.problems;
      });
      expect(back).toEqual(events.map((e) => ({ ...e, ...(mode === 'binary' ? { datacontenttype: 'application/json' } : {}) })));
    }
  });

  it('writes the binary headers the binding names, and no partition key beside the key', () => {
    const m = toKafkaMessage({ ...received, partitionkey: received.subject, traceparent: TRACEPARENT }, 'binary');
    expect(m.headers).toEqual({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: received.id,
      ce_source: received.source,
      ce_type: received.type,
      ce_subject: received.subject,
      ce_time: received.time,
      ce_traceparent: TRACEPARENT,
    });
    expect(JSON.parse(m.value)).toEqual(received.data);
    expect(toKafkaMessage(received, 'structured').headers).toEqual({ 'content-type': 'application/cloudevents+json; charset=UTF-8' });
  });

  it('refuses a binary message without the attribute headers, naming each one missing and the two modes', () => {
    const result = parseKafkaEvent(JSON.stringify(received), { 'content-type': 'application/json' });
    expect(result).toMatchObject({ ok: false, reason: 'invalid-event', mode: 'binary' });
    expect(problemsOf(result).join('\n')).toMatch(/ce_specversion, ce_id, ce_source, ce_type, ce_subject and ce_time.*application\/cloudevents\+json/);
    const partial = parseKafkaEvent(binary().value, binary({ ce_id: undefined, ce_time: null }).headers);
    expect(problemsOf(partial)).toEqual(['ce_id (header): is required (string)', 'ce_time (header): is required (string)']);
  });

  it.each([
    ['an unknown attribute header, named', { ce_applicantname: 'Nguyễn Văn A' }, '(headers): unknown attribute header(s) not allowed: ce_applicantname'],
    ['a bad time header', { ce_time: '15/03/2024' }, 'ce_time (header): must be an ISO 8601 date-time with an offset'],
    ['an attribute header written twice', { ce_id: ['a', 'b'] }, 'ce_id (header): is written 2 times'],
    ['a header that is not UTF-8', { ce_source: new Uint8Array([0xff, 0xfe]) }, 'ce_source (header): must be'],
    ['data as a header', { ce_data: '{}' }, 'ce_data (header): data travels as the message value'],
    ['content-type and ce_datacontenttype that disagree', { 'content-type': 'text/plain' }, 'content-type (header): says text/plain but ce_datacontenttype'],
    ['a data type other than JSON', { 'content-type': 'text/plain', ce_datacontenttype: undefined }, 'content-type (header): must be "application/json"'],
    ['a partition key other than the dossier', { ce_partitionkey: 'H36-999999-000001' }, 'ce_partitionkey (header): must equal subject'],
    ['a malformed traceparent', { ce_traceparent: 'not-a-trace' }, 'ce_traceparent (header): must be a W3C traceparent'],
  ])('refuses %s', (_, patch, expected) => {
    const m = binary(patch);
    const result = parseKafkaEvent(m.value, m.headers);
    expect(result.ok).toBe(false);
    expect(problemsOf(result).join('\n')).toContain(expected);
  });

  it('names every rule a binary message breaks at once, each header once', () => {
    const m = binary({ ce_time: undefined, ce_applicantname: 'Nguyễn Văn A', ce_source: new Uint8Array([0xff]) });
    expect(problemsOf(parseKafkaEvent(m.value, m.headers))).toEqual([
      expect.stringMatching(/^ce_source \(header\): must be/) as string,
      '(headers): unknown attribute header(s) not allowed: ce_applicantname',
      'ce_time (header): is required (string)',
    ]);
  });

  it('checks data in the value by the same rules, naming its fields', () => {
    const bad = binary({}, { ...received.data, processingAgencyCode: 'SO-TU-PHAP', applicantName: 'Nguyễn Văn A' });
    expect(problemsOf(parseKafkaEvent(bad.value, bad.headers)).sort()).toEqual([
      'data.processingAgencyCode: must be an agency code such as 000.00.00.H36',
      'data: unknown field(s) not allowed: applicantName',
    ]);
    const notJson = parseKafkaEvent('{"procedureCode": ', binary().headers);
    expect(notJson).toMatchObject({ ok: false, reason: 'invalid-json', problems: [{ field: 'data (message value)' }] });
    const twice = parseKafkaEvent('{"a":1,"a":2}', binary().headers);
    expect(twice).toMatchObject({ ok: false, reason: 'invalid-json' });
  });

  it('accepts the extensions SDKs and tracing add, keeps the trace as metadata and drops the partition key', () => {
    const m = binary({ ce_partitionkey: received.subject, ce_traceparent: TRACEPARENT, ce_tracestate: 'rojo=00f067aa0ba902b7' });
    const result = parseKafkaEvent(m.value, m.headers);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(toNewEvent(result.event).metadata).toEqual({
      source: received.source,
      subject: received.subject,
      time: received.time,
      traceparent: TRACEPARENT,
      tracestate: 'rojo=00f067aa0ba902b7',
    });
    const structured = parseKafkaEvent(JSON.stringify({ ...received, partitionkey: received.subject, traceparent: TRACEPARENT }), {
      'content-type': 'application/cloudevents+json',
    });
    expect(structured.ok).toBe(true);
    expect(problemsOf(parseKafkaEvent(JSON.stringify({ ...received, partitionkey: 'OTHER-000001' }), undefined))).toEqual([
      `partitionkey: must equal subject (${received.subject}), the dossier code`,
    ]);
    expect(problemsOf(parseKafkaEvent(JSON.stringify({ ...received, sequence: '1' }), undefined))).toEqual([
      '(message): unknown field(s) not allowed: sequence',
    ]);
  });

  it("accepts a time the SDK's structured output rewrote to UTC with milliseconds, and keeps data's times as sent", () => {
    const rewritten = { ...received, time: new Date(received.time).toISOString() };
    const result = parseKafkaEvent(JSON.stringify(rewritten), { 'content-type': 'application/cloudevents+json; charset=utf-8' });
    expect(result).toMatchObject({ ok: true, event: { time: rewritten.time, data: { receivedAt: received.data.receivedAt } } });
  });

  it.each([
    ['another event format', 'application/cloudevents+avro', 'the event format application/cloudevents+avro is not read'],
    ['a batch', 'application/cloudevents-batch+json', 'send one event per message'],
    ['a charset other than UTF-8', 'application/cloudevents+json; charset=ISO-8859-1', 'charset must be UTF-8'],
  ])('refuses a structured message in %s', (_, contentType, rule) => {
    expect(problemsOf(parseKafkaEvent(JSON.stringify(received), { 'content-type': contentType })).join('\n')).toContain(rule);
  });

  it("finds a message's trace in its headers, in a structured value, or a plain traceparent header; never a malformed one", () => {
    expect(traceOfMessage('x', { ce_traceparent: TRACEPARENT, ce_type: 'a' })).toEqual({ traceparent: TRACEPARENT });
    expect(traceOfMessage(JSON.stringify({ ...received, traceparent: TRACEPARENT, tracestate: 'a=b' }), undefined)).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'a=b',
    });
    expect(traceOfMessage('not json', { traceparent: TRACEPARENT })).toEqual({ traceparent: TRACEPARENT });
    expect(traceOfMessage('not json', { traceparent: 'Nguyễn Văn A' })).toEqual({});
  });
});
