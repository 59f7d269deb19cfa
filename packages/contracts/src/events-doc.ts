import {
  DOSSIER_EVENT_TYPES,
  EVENT_TYPE_PREFIX,
  formatProblems,
  parseKafkaEvent,
  toKafkaMessage,
  upcastBody,
  validateDossierEvent,
  type AnyDossierEventType,
} from '@tthc/core';
import { DEFAULT_CONSUMER_GROUP, DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_EVENTS_TOPIC } from '@tthc/kafka';
import { ASYNCAPI_PATH } from './asyncapi';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_REASONS } from './dead-letters';
import { ACCEPTED_TYPES, eventJsonSchema, isCurrentType, schemaPath } from './event-schemas';
import { isJsonObject, type Json, type JsonObject } from './json';
import { lifecycleTable } from './lifecycle-table';
import { INVALID_SAMPLES, invalidSamplePath, samplePath, SAMPLES } from './samples';

export const EVENTS_DOC_PATH = 'docs/events.md';

const KAFKA_BINDING = 'https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md';

/** The description zod gives every date-time field that has no description of its own. */
const GENERIC_DATE_TIME = 'ISO 8601 date-time with offset';

const short = (type: string): string => type.slice(EVENT_TYPE_PREFIX.length);
/** `received.v2` → `received`: field notes hold for every version of an event. */
const family = (type: string): string => short(type).replace(/\.v\d+$/, '');
const anchor = (type: string): string => type.replace(/[^a-z0-9-]/g, '');
const link = (type: string): string => `[\`${type}\`](#${anchor(type)})`;
const fromDocs = (repoPath: string): string => `../${repoPath}`;

/** What each event means and when to send it. Typed by event type, so a new type needs its text. */
const TYPE_NOTES: { readonly [K in AnyDossierEventType]: string } = {
  'vn.gov.tthc.dossier.received.v2':
    'The one-stop shop received the dossier (DVCQG status 2) and set its due date. It is the first event of a dossier. The figures count the dossier under `processingAgencyCode` on the local day of `receivedAt`; `receivingAgencyCode` differs from it when one shop receives for another agency (liên thông).',
  'vn.gov.tthc.dossier.refused-at-reception.v1':
    'An online submission was not accepted at reception (DVCQG status 3). It is the first and last event of its dossier: the dossier was never received, so it counts in none of the received, resolved or in-progress figures, only as refused at reception.',
  'vn.gov.tthc.dossier.supplement-requested.v1':
    'The agency asked the applicant to supplement the dossier (DVCQG status 5). When the supplement arrives, the source system sets a new due date and sends `supplement-received`.',
  'vn.gov.tthc.dossier.supplement-received.v1': 'The requested supplement arrived and processing resumes. `newDueDate` replaces the due date in force.',
  'vn.gov.tthc.dossier.financial-obligation-requested.v1':
    'The applicant was asked to pay fees or charges (nghĩa vụ tài chính) before processing goes on (DVCQG status 6).',
  'vn.gov.tthc.dossier.paid-online.v1':
    'A payment made through an online payment platform; it counts in the online payment figures (number and amount). A payment platform may publish it under its own `source`. It may come at submission, while the obligation is pending, or when the result is collected; a dossier awaiting payment goes back to processing.',
  'vn.gov.tthc.dossier.apology-issued.v1':
    'The agency issued an apology letter with a new appointment date (form 04, Circular 01/2018/TT-VPCP). The due date does not change: the dossier is still judged against the due date in force.',
  'vn.gov.tthc.dossier.processing-stopped.v1': 'Processing was stopped (DVCQG status 8); the dossier ends without a result.',
  'vn.gov.tthc.dossier.handed-back.v1': 'The dossier was handed back to the applicant without a result (trả lại); it ends there.',
  'vn.gov.tthc.dossier.withdrawn.v1': 'The applicant withdrew the dossier (DVCQG status 7); it ends there.',
  'vn.gov.tthc.dossier.processed.v1':
    'Processing finished (DVCQG status 9), with a result or a written refusal. `finishedAt` decides whether the dossier was resolved early, on time or late, and the period in which it counts as resolved.',
  'vn.gov.tthc.dossier.result-returned.v1': 'The result was handed to the applicant (DVCQG status 10).',
  'vn.gov.tthc.dossier.received.v1':
    'The first version of `received`, in which one `agencyCode` both received and resolves the dossier. It is still accepted, and is lifted to `received.v2` when read (see [Versioning](#versioning)). New publishers send `received.v2`.',
};

/** Meanings for fields whose schema says only their format, or means something narrower here. */
const FIELD_NOTES: Readonly<Record<string, string>> = {
  'received.receivedAt': 'When the one-stop shop received the dossier; the dossier counts as received on its local day',
  'refused-at-reception.submittedAt': 'When the applicant submitted the dossier online',
  'refused-at-reception.refusedAt': 'When the one-stop shop refused to accept it',
  'supplement-requested.requestedAt': 'When the supplement was requested',
  'supplement-received.receivedAt': 'When the supplement arrived',
  'financial-obligation-requested.requestedAt': 'When the applicant was asked to pay',
  'paid-online.paidAt': 'When the payment was made',
  'apology-issued.issuedAt': 'When the apology letter was issued',
  'processing-stopped.stoppedAt': 'When processing was stopped',
  'handed-back.handedBackAt': 'When the dossier was handed back',
  'withdrawn.withdrawnAt': 'When the applicant withdrew the dossier',
  'result-returned.returnedAt': 'When the result was handed over',
  'result-returned.channel': 'How the result was handed over: in person, online, or by public postal service',
};

/** Envelope attributes whose meaning the schema cannot give. */
const ENVELOPE_NOTES: Readonly<Record<string, { rule?: string; meaning?: string }>> = {
  type: { rule: 'one of the [accepted types](#event-types)', meaning: 'The event type, with its version' },
  data: { rule: 'an object: the fields of the event type, below', meaning: 'The event itself' },
  id: { meaning: 'Unique id of this event (a UUID is a good choice); a redelivered event keeps its id' },
  subject: { meaning: 'The dossier code (mã hồ sơ) issued by the one-stop-shop system: the dossier the event belongs to' },
  datacontenttype: { meaning: 'Content type of `data`; may be left out' },
  time: { meaning: 'When the event happened in the source system: any offset, UTC (`Z`) included, with or without fractions of a second' },
  partitionkey: {
    meaning:
      'CloudEvents [partitioning extension](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/extensions/partitioning.md): the Kafka key; must be the dossier code, the same as `subject`',
  },
  traceparent: {
    meaning:
      'CloudEvents [distributed tracing extension](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/extensions/distributed-tracing.md): the W3C traceparent of the send',
  },
  tracestate: { meaning: 'Distributed tracing extension: the W3C tracestate of the send' },
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => `\`${text}\``;

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const str = (value: Json | undefined): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: Json | undefined): number | undefined => (typeof value === 'number' ? value : undefined);

/** The rule a JSON Schema property states, in words a publisher can act on. */
function ruleOf(property: JsonObject): string {
  const rules: string[] = [];
  const format = str(property.format);
  if (property.const !== undefined) rules.push(`exactly ${code(JSON.stringify(property.const))}`);
  if (Array.isArray(property.enum)) rules.push(`one of ${property.enum.map((v) => code(String(v))).join(', ')}`);
  if (format === 'date-time') {
    rules.push('date and time with seconds and an offset: `YYYY-MM-DDThh:mm:ss[.fff]` then `+07:00` (or another offset, or `Z`)');
  } else if (format === 'date') {
    rules.push('a calendar date `YYYY-MM-DD`');
  } else if (format !== undefined) {
    rules.push(`format ${format}`);
  } else if (str(property.pattern) !== undefined) {
    rules.push(`matches ${code(str(property.pattern) ?? '')}`);
  }
  const min = num(property.minLength);
  const max = num(property.maxLength);
  if (min !== undefined || max !== undefined) rules.push(`${min ?? 0}–${max ?? '∞'} characters`);
  if (property.type === 'integer') rules.push('a whole number');
  const exclusiveMin = num(property.exclusiveMinimum);
  if (exclusiveMin !== undefined) rules.push(`more than ${exclusiveMin}`);
  const minimum = num(property.minimum);
  if (minimum !== undefined) rules.push(`at least ${minimum}`);
  const maximum = num(property.maximum);
  if (maximum !== undefined) rules.push(`at most ${maximum.toLocaleString('en-US')}`);
  return rules.join('; ');
}

function propertiesOf(schema: JsonObject): { name: string; property: JsonObject; required: boolean }[] {
  const properties = schema.properties;
  const required = Array.isArray(schema.required) ? schema.required : [];
  if (!isJsonObject(properties)) throw new Error('schema without properties');
  return Object.entries(properties).map(([name, property]) => {
    if (!isJsonObject(property)) throw new Error(`property ${name} is not a schema`);
    return { name, property, required: required.includes(name) };
  });
}

function dataSchemaOf(type: AnyDossierEventType): JsonObject {
  const data = eventJsonSchema(type).properties;
  if (!isJsonObject(data) || !isJsonObject(data.data)) throw new Error(`${type} has no data schema`);
  return data.data;
}

function fieldTable(type: AnyDossierEventType): string {
  const rows = propertiesOf(dataSchemaOf(type)).map(({ name, property, required }) => {
    const description = str(property.description);
    const meaning = FIELD_NOTES[`${family(type)}.${name}`] ?? description;
    if (meaning === undefined || meaning === GENERIC_DATE_TIME) {
      throw new Error(`${type} data.${name} has no meaning: give it a .describe() or a FIELD_NOTES entry`);
    }
    return [code(name), str(property.type) ?? 'any', required ? 'yes' : 'no', ruleOf(property), meaning];
  });
  return table(['field', 'type', 'required', 'rule', 'meaning'], rows);
}

function envelopeTable(): string {
  const envelope = eventJsonSchema('vn.gov.tthc.dossier.received.v2');
  const rows = propertiesOf(envelope).map(({ name, property, required }) => {
    const note = ENVELOPE_NOTES[name];
    const meaning = note?.meaning ?? str(property.description) ?? '';
    return [code(name), str(property.type) ?? 'any', required ? 'yes' : 'no', note?.rule ?? ruleOf(property), meaning];
  });
  return table(['attribute', 'type', 'required', 'rule', 'meaning'], rows);
}

const json = (value: unknown): string => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');

function typeSection(type: AnyDossierEventType): string {
  const row = lifecycleTable().find((r) => r.type === type);
  const lifecycle = isCurrentType(type)
    ? row?.arrivesIn === null
      ? `Lifecycle: the dossier's first event; status after: ${row.after.map(code).join(', ')}.`
      : `Lifecycle: may arrive when the dossier is ${(row?.arrivesIn ?? []).map(code).join(', ')} (see [the lifecycle](#lifecycle)).`
    : 'Lifecycle: as `received.v2`, which it is lifted to.';
  return [
    `### ${type}`,
    '',
    TYPE_NOTES[type],
    '',
    `\`data\`${isCurrentType(type) ? '' : ' (older version)'}:`,
    '',
    fieldTable(type),
    '',
    lifecycle,
    `Schema: [${schemaPath(type)}](${fromDocs(schemaPath(type))}); sample: [${samplePath(type)}](${fromDocs(samplePath(type))}).`,
  ].join('\n');
}

function lifecycleSection(): string {
  const rows = lifecycleTable().map((r) => {
    if (r.arrivesIn === null) return [link(r.type), "(none: the dossier's first event)", r.after.map(code).join(', ')];
    const after = r.arrivesIn.map((s, i) => (r.after[i] === s ? `${code(s)} (unchanged)` : `${code(s)} → ${code(r.after[i] ?? '')}`));
    const same = new Set(r.after);
    const afterText = same.size === 1 && r.after.every((s, i) => s !== r.arrivesIn?.[i]) ? code([...same][0] ?? '') : after.join('; ');
    return [link(r.type), r.arrivesIn.map(code).join(', '), afterText];
  });
  return table(['event', 'may arrive when the dossier is', 'status after'], rows);
}

function versioningExample(): string {
  const v1 = SAMPLES['vn.gov.tthc.dossier.received.v1'];
  const lifted = upcastBody(v1);
  return [`\`${v1.type}\` data:`, '', json(v1.data), '', `read as \`${lifted.type}\` data:`, '', json(lifted.data)].join('\n');
}

/** One message in each content mode, as @tthc/publisher writes the sample, with the refusals of a broken binary message. */
function contentModeExamples(): string {
  const sample = SAMPLES['vn.gov.tthc.dossier.paid-online.v1'];
  const structured = toKafkaMessage(sample, 'structured');
  const binary = toKafkaMessage(sample, 'binary');
  const message = (m: typeof binary) => json({ key: m.key, headers: m.headers, value: JSON.parse(m.value) as unknown });
  const { ce_time: _time, ...withoutTime } = binary.headers;
  const broken = parseKafkaEvent(binary.value, { ...withoutTime, ce_applicantname: 'Nguyễn Văn A' });
  if (broken.ok) throw new Error('the broken binary example passes');
  return [
    'The [`paid-online.v1` sample](' +
      fromDocs(samplePath('vn.gov.tthc.dossier.paid-online.v1')) +
      ') in structured mode (the value is shown as JSON; on the wire it is UTF-8 text):',
    '',
    message(structured),
    '',
    'The same event in binary mode:',
    '',
    message(binary),
    '',
    `That binary message without \`ce_time\` and with a header \`ce_applicantname\` is a dead letter (\`${broken.reason}\`): ${code(formatProblems(broken.problems))}. The letter keeps the header's name, not its value.`,
  ].join('\n');
}

function refusalExamples(): string {
  const rows = INVALID_SAMPLES.map((s) => {
    const result = validateDossierEvent(s.event);
    if (result.ok) throw new Error(`invalid sample ${s.name} passes validation`);
    return [`[${s.name}](${fromDocs(invalidSamplePath(s.name))})`, s.fault, result.reason, code(formatProblems(result.problems))];
  });
  return table(['sample', 'fault', 'reason', 'refusal'], rows);
}

/** docs/events.md: hand-written prose around tables generated from the schemas and the lifecycle code. */
export function renderEventsDoc(): string {
  const current = DOSSIER_EVENT_TYPES;
  const older = ACCEPTED_TYPES.filter((t) => !isCurrentType(t));
  const typeRows = ACCEPTED_TYPES.map((t) => [
    link(t),
    isCurrentType(t) ? 'current' : 'older, still accepted',
    TYPE_NOTES[t].split('. ')[0]?.replace(/\.$/, '') ?? '',
  ]);
  const sections = [
    `<!-- Generated by packages/contracts (renderContracts) from the zod schemas in packages/core/src/events and the lifecycle in packages/core/src/lifecycle. Do not edit by hand: change the code or the prose in packages/contracts/src/events-doc.ts, then run \`pnpm schemas\`. -->`,
    '',
    '# Dossier events',
    '',
    'The contract for systems that publish dossier events to the TTHC pipeline: one-stop-shop (một cửa) software and online payment platforms. It says what to send, where, and what the pipeline does with it. Everything here is generated from the code that validates and applies the events, so it cannot drift from it; the machine-readable forms are in [`schemas/`](../schemas/).',
    '',
    '## In short',
    '',
    `- Every event is a [CloudEvents 1.0](https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md) event whose \`subject\` is the dossier code and whose \`data\` holds the event's fields.`,
    `- Send it to the Kafka topic \`${DEFAULT_EVENTS_TOPIC}\` with the dossier code as the message key, in either content mode of CloudEvents' [Kafka protocol binding](${KAFKA_BINDING}): structured (the whole envelope as the value) or binary (\`data\` as the value, every other attribute a \`ce_\` header), as the official CloudEvents SDKs send them. Or put one envelope per line in an NDJSON file for \`tthc ingest --file\`.`,
    '- Unknown fields are refused, at every level: events carry codes and times, never names, ID numbers or addresses.',
    '- Times carry their offset (`+07:00`); days are Asia/Ho_Chi_Minh calendar days.',
    '- The version is part of the type; older versions stay accepted.',
    '',
    '## The envelope',
    '',
    'Every event type has this envelope; only `type` and `data` differ. Of the CloudEvents extensions, the three that SDKs and tracing add are accepted: `partitionkey`, `traceparent` and `tracestate`. No other attribute is accepted, and a refusal names it.',
    '',
    envelopeTable(),
    '',
    '- `id`: the event store is idempotent by id. An event whose id is already stored with the same dossier, type and data is a recognised duplicate and changes nothing, so a publisher may safely resend. The same id with a different dossier, type or data is refused (`duplicate-id-conflict`): never reuse an id for another event.',
    "- `time` is kept with the event as metadata, as sent (the JavaScript SDK's structured output rewrites it to UTC with milliseconds; either form is accepted). The figures use the instants in `data` (`receivedAt`, `finishedAt`, `paidAt`, …), which are kept as sent.",
    "- `partitionkey` is the dossier code again: it is checked, not stored. The official SDKs' Kafka bindings take the message key from it.",
    '- `traceparent` and `tracestate` are kept with the stored event as metadata, never as its content: the same event resent under another trace is a duplicate, not a conflict. The ingest service writes the trace into its log lines about a message it refuses.',
    '',
    '## Event types',
    '',
    `${current.length} current types and ${older.length} older version${older.length === 1 ? '' : 's'} still accepted:`,
    '',
    table(['type', 'version', 'what happened'], typeRows),
    '',
    ...ACCEPTED_TYPES.flatMap((t) => [typeSection(t), '']),
    '<a id="content-modes"></a>',
    '',
    '## Topic, key and the two content modes',
    '',
    `Topic \`${DEFAULT_EVENTS_TOPIC}\`; key: the dossier code, the same as \`subject\`, so that all events of a dossier go to one partition and keep their order. Each message is one event in one of the two content modes of CloudEvents' [Kafka protocol binding](${KAFKA_BINDING}). The ingest service tells them apart as the binding says, by the \`content-type\` header alone (\`contentModeOf\` in \`packages/core/src/events/kafka-binding.ts\`):`,
    '',
    table(
      ['', 'structured', 'binary'],
      [
        [
          '`content-type` header',
          'starts with `application/cloudevents`: must be the JSON format, `application/cloudevents+json` (`@tthc/publisher` writes `application/cloudevents+json; charset=UTF-8`)',
          'anything else: the media type of `data`, which must be `application/json`',
        ],
        ['value', 'the whole envelope, UTF-8 JSON', '`data` alone, UTF-8 JSON'],
        [
          'attributes',
          'in the value',
          'each a header `ce_<attribute>`: `ce_specversion`, `ce_id`, `ce_source`, `ce_type`, `ce_subject`, `ce_time`, and the extensions `ce_partitionkey`, `ce_traceparent`, `ce_tracestate`. A `ce_datacontenttype` beside `content-type` (the SDKs write both) must agree with it.',
        ],
        ['other headers', 'not read', 'not read: only `ce_` headers are attributes'],
      ],
    ),
    '',
    '- A message with neither a `content-type` nor any `ce_` header is read as structured: senders wrote that before the binding was followed here. So is a line of an NDJSON file.',
    '- Both modes are checked by the same rules and give the same stored event. In binary mode a refusal names the header (`ce_time (header): …`, `content-type (header): …`) or the field of `data` in the value (`data.paidAt: …`).',
    '- A `ce_` header of an attribute the envelope does not have, a header written twice, or a header that is not UTF-8 text is refused, naming it. A message that is neither a valid structured nor a valid binary event is refused, naming what it lacks.',
    '- Batches (`application/cloudevents-batch+json`) and other event formats are refused: send one event per message.',
    '',
    contentModeExamples(),
    '',
    `\`@tthc/publisher\` (and \`tthc publish FILE\`, \`tthc simulate --kafka\`) validates every event with the same schemas before sending any, then sends them keyed by dossier code from an idempotent producer (\`acks\` = all, one request in flight, so a retry neither duplicates nor reorders), in structured mode unless told \`contentMode: 'binary'\` (\`--content-mode binary\`). The official CloudEvents SDKs work as well: the \`cloudevents\` npm package's Kafka binding and the Java SDK's \`io.cloudevents:cloudevents-kafka\` serializer, in either mode (\`test/e2e/cloudevents-sdks.e2e.test.ts\` sends through both). The ingest service consumes the topic as the consumer group \`${DEFAULT_CONSUMER_GROUP}\`, appends each fetched batch to the event store in one transaction and commits the offsets after it. Publish each dossier's events in the order they happened.`,
    '',
    `The same events may be delivered as a file instead: NDJSON, one event per line, read by \`tthc ingest --file FILE\` through the same validation.`,
    '',
    '## Validation and refusals',
    '',
    'An event is valid when it matches the schema of its type exactly. A refusal names each field at fault and the rule it breaks, as `field: rule`, several joined by `; `. These are the refusals of the [invalid samples](../schemas/samples/invalid/), as the pipeline words them:',
    '',
    refusalExamples(),
    '',
    '<a id="versioning"></a>',
    '',
    '## Versioning',
    '',
    '- The version is the last part of the type: `vn.gov.tthc.dossier.<event>.v<n>`. A change that a reader of the old form could not handle (a field renamed, split, removed or newly required) makes a new version; the old one keeps its schema.',
    '- Older versions stay accepted at the door and are stored as published. Whoever reads the log (the projections) lifts each event to the current version with an upcaster (`packages/core/src/events/upcasters.ts`): a pure function that loses no fact. A type and version that was never published is refused (`type: must be a known dossier event type and version`).',
    `- The one older version today is \`received.v1\`. \`received.v2\` separates the one-stop shop that received the dossier from the agency that resolves it; the upcaster puts v1's \`agencyCode\` in both \`receivingAgencyCode\` and \`processingAgencyCode\`, and keeps every other field as it is:`,
    '',
    table(
      ['received.v1', 'received.v2'],
      [
        ['`agencyCode`', '`receivingAgencyCode` and `processingAgencyCode`'],
        ['`procedureCode`, `channel`, `onlineServiceLevel`, `receivedAt`, `dueDate`', 'the same fields, unchanged'],
      ],
    ),
    '',
    versioningExample(),
    '',
    '<a id="lifecycle"></a>',
    '',
    '## Lifecycle',
    '',
    "A dossier's events must follow its lifecycle (`packages/core/src/lifecycle/lifecycle.ts`). A dossier starts with `received` (status `in-progress`) or `refused-at-reception`; every other event needs a dossier that was received, an allowed status, and a time (the instant in its `data`) no earlier than the receipt. Statuses (DVCQG codes in brackets): `in-progress` [2, 4], `awaiting-supplement` [5], `awaiting-payment` [6], `resolved` [9], `returned` [10]; and the ends without a result: `refused-at-reception` [3], `withdrawn` [7], `stopped` [8], `handed-back` (trả lại).",
    '',
    lifecycleSection(),
    '',
    "An event that arrives in a status not listed for it breaks the lifecycle; so does every event after `returned`, `refused-at-reception`, `withdrawn`, `stopped` or `handed-back`, and a second `received`. The ingest service checks every event against its dossier's state as stored: an event that breaks the lifecycle is a dead letter (`lifecycle-violation`), except an event of a dossier not yet received (a payment that overtook its receipt), which is parked and tried again when that dossier's next events arrive. The daily-counts projection applies the same rules, so it never counts an event that breaks them.",
    '',
    '## Time rules',
    '',
    'The code is in [`packages/core/src/time/`](../packages/core/src/time/).',
    '',
    '- Every day in the figures is a calendar day in Asia/Ho_Chi_Minh. Each event counts on the local date of the instant in its `data`, under the agency that resolves the dossier.',
    '- The due date (`dueDate`, ngày hẹn trả) is set by the one-stop-shop system on receipt, in working days (weekends and public holidays excluded); the pipeline takes it as sent.',
    '- Early, on time or late: the local calendar date of `processed.finishedAt` against the due date in force: before it is early, the same day is on time, after it is late. "Resolved on time" in the reports counts early and on time together.',
    "- A supplement's `newDueDate` (`supplement-received`) replaces the due date in force. An apology's `newAppointmentDate` (`apology-issued`) does not: the dossier stays late against the due date in force.",
    '- A dossier counts as resolved in the period that contains the local date of its `finishedAt`, wherever and whenever it was received.',
    '- Reporting periods (`parsePeriod` in `periods.ts`) are whole local days, inclusive at both ends: calendar months, quarters, half-years and years (`2024-03`, `2024-Q1`, `2024-H1`, `2024`), or the data cut-off windows of Decree 09/2019/NĐ-CP: a month runs from the 15th of the month before to the 14th (`2024-03` is 2024-02-15 to 2024-03-14), a quarter from 15 December, March, June or September, H1 from 15 December of the year before to 14 June, H2 from 15 June to 14 December, a year from 15 December to 14 December.',
    '- Working days (`addWorkingDays`) skip weekends and the public holidays announced for 2023 to 2026 (`public-holidays.ts`); a province can add its own days off.',
    '',
    '## Dead letters',
    '',
    `A message consumed from \`${DEFAULT_EVENTS_TOPIC}\` that is not stored goes to the dead-letter topic \`${DEFAULT_DEAD_LETTER_TOPIC}\` with its original key and, as its value, what the store's letter keeps of it (docs/data-protection.md): a valid event byte for byte; of an event that failed its schema, every field its type has, and a description in place of the value of every field the schema forbids (\`"applicantName":"[redacted: text of 13 characters]"\`); of a message that was not read as JSON, only its size and SHA-256 (\`[redacted: 57 bytes that were not read; sha256 3f1c…]\`). These headers say why and where from:`,
    '',
    table(
      ['header', 'value'],
      [
        [code(DEAD_LETTER_HEADERS.reason), 'the reason code, below'],
        [code(DEAD_LETTER_HEADERS.message), 'human-readable: names the field and the rule (`field: rule; …`, as in the refusals above)'],
        [code(DEAD_LETTER_HEADERS.sourceTopic), 'topic of the original message'],
        [code(DEAD_LETTER_HEADERS.sourcePartition), 'its partition, in decimal'],
        [code(DEAD_LETTER_HEADERS.sourceOffset), 'its offset, in decimal'],
      ],
    ),
    '',
    table(
      ['reason', 'meaning'],
      DEAD_LETTER_REASONS.map((r) => [code(r.code), r.meaning]),
    ),
    '',
    "The ingest service sends each dead letter to the topic after the batch's events are stored and before it commits the batch's offsets, and also keeps it in the store (`tthc dlq list`), where an operator can run it through again after fixing the registry or the source (`tthc dlq redrive`). A file ingested with `tthc ingest --file` keeps its dead letters in the store only. Every consumed message ends appended, a recognised duplicate, a dead letter or parked: `consumed = appended + duplicates + deadLettered + parked` (`tthc status`). See `docs/ingest.md`.",
    '',
    '## Files in schemas/',
    '',
    table(
      ['file', 'what it is'],
      [
        [
          `[${ASYNCAPI_PATH}](${fromDocs(ASYNCAPI_PATH)})`,
          'AsyncAPI 3.0.0: both topics, their keys, headers and messages; the operations of publishers and of the ingest service',
        ],
        ['[schemas/events/](../schemas/events/)`<type>.schema.json`', 'JSON Schema (draft 2020-12) of each accepted type, `$id` `urn:tthc:schema:<type>`'],
        ['[schemas/samples/](../schemas/samples/)`<type>.json`', 'a valid sample of each accepted type'],
        ['[schemas/samples/invalid/](../schemas/samples/invalid/)', 'samples that must be refused, one fault each'],
      ],
    ),
    '',
    'All of them, and this page, are generated by `pnpm schemas` from the zod schemas; a unit test fails when they are stale. Any JSON Schema 2020-12 validator can check an event before it is sent, e.g. with ajv: `new Ajv2020({ strict: true })`, `ajv-formats`, then `ajv.compile(schema)(event)`.',
    '',
  ];
  return sections.join('\n');
}
