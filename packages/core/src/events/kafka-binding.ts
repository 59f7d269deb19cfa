import { anyVersionDossierEvent, CLOUD_EVENT_EXTENSIONS, type AnyVersionDossierEvent } from './dossier-events';
import type { FieldProblem } from './field-problem';
import { decodeUtf8, parseStrictJson } from './strict-json';
import { parseDossierEvent, validateDossierEvent, type ParseResult } from './validation';

/**
 * CloudEvents' Kafka protocol binding (v1.0.2), the one place that knows how an event travels as a
 * Kafka message. In structured mode the value is the whole envelope as JSON and `content-type` says
 * so (`application/cloudevents+json`); in binary mode the value is `data` alone, `content-type` is
 * the data's media type and every other attribute is a `ce_<name>` header. A receiver tells the two
 * apart by `content-type` alone: prefixed with `application/cloudevents`, structured; else binary.
 */
export const CONTENT_MODES = ['structured', 'binary'] as const;
export type ContentMode = (typeof CONTENT_MODES)[number];

export const CONTENT_TYPE_HEADER = 'content-type';
export const CE_HEADER_PREFIX = 'ce_';
/** What a structured message's `content-type` is: the JSON event format. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';
/** What a binary message's `content-type` is: the media type of `data`. */
export const BINARY_CONTENT_TYPE = 'application/json';

const STRUCTURED_PREFIX = 'application/cloudevents';
const JSON_EVENT_FORMAT = 'application/cloudevents+json';
const BATCH_FORMAT = 'application/cloudevents-batch+json';

/** A header's value as a Kafka client gives it: kafkajs makes a list of a header written more than once. */
export type KafkaHeaderValue = string | Uint8Array | null | undefined | readonly (string | Uint8Array)[];
export type KafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

/** The envelope's attributes (extensions included) that a binary message carries as `ce_` headers. */
const ENVELOPE_ATTRIBUTES: ReadonlySet<string> = new Set(Object.keys(anyVersionDossierEvent.options[0].shape).filter((a) => a !== 'data'));

/** The headers the pipeline reads, by name: a letter keeps their values (keptLetterHeaders); any other header it never reads. */
export function isReadHeader(name: string): boolean {
  if (name === CONTENT_TYPE_HEADER || name === 'traceparent' || name === 'tracestate') return true;
  return name.startsWith(CE_HEADER_PREFIX) && ENVELOPE_ATTRIBUTES.has(name.slice(CE_HEADER_PREFIX.length));
}

/** A header's text, or the rule it breaks; undefined when it is absent (kafkajs gives a header sent with no value as null). */
export function headerText(value: KafkaHeaderValue): { ok: true; text: string } | { ok: false; rule: string } | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return { ok: true, text: value };
  if (value instanceof Uint8Array) {
    const decoded = decodeUtf8(value);
    return decoded.ok ? decoded : { ok: false, rule: decoded.rule };
  }
  const list = value as readonly (string | Uint8Array)[];
  if (list.length === 1 && list[0] !== undefined) return headerText(list[0]);
  return { ok: false, rule: `is written ${list.length} times: the sender meant one value` };
}

/** The media type of a `content-type` value, lower-cased, without its parameters, and its charset if it names one. */
function mediaType(contentType: string): { type: string; charset: string | undefined } {
  const [type = '', ...parameters] = contentType.split(';').map((p) => p.trim());
  const charset = parameters.find((p) => /^charset=/i.test(p))?.slice('charset='.length);
  return { type: type.toLowerCase(), charset: charset?.replace(/^"|"$/g, '').toLowerCase() };
}

/**
 * The content mode of a message, by the binding's rule on `content-type`. A message with neither a
 * `content-type` nor any `ce_` header is read as structured: what senders wrote before the binding
 * was followed here (and what a line of an NDJSON file is), and no binary event can lack every header.
 */
export function contentModeOf(headers: KafkaHeaders | undefined): ContentMode {
  return readMode(headers).mode;
}

type HeaderText = ReturnType<typeof headerText>;

/** The mode and the `content-type` read once, for the parse that follows (a per-message cost). */
function readMode(headers: KafkaHeaders | undefined): { mode: ContentMode; contentType: HeaderText } {
  if (headers === undefined) return { mode: 'structured', contentType: undefined };
  const contentType = headerText(headers[CONTENT_TYPE_HEADER]);
  if (contentType?.ok === true && contentType.text.trim().toLowerCase().startsWith(STRUCTURED_PREFIX)) return { mode: 'structured', contentType };
  if (contentType !== undefined) return { mode: 'binary', contentType };
  const binary = Object.keys(headers).some((name) => name.startsWith(CE_HEADER_PREFIX) && headers[name] != null);
  return { mode: binary ? 'binary' : 'structured', contentType };
}

/** A parsed message, with the mode it came in. */
export type KafkaParseResult = ParseResult & { readonly mode: ContentMode };

/**
 * A Kafka message (its value and headers) to a valid event, or every rule it breaks, each naming its
 * field: `data.agencyCode` in the value, `ce_time (header)` or `content-type (header)` beside it.
 * Both modes give the same event for the same attributes and data, and meet the same rules.
 */
export function parseKafkaEvent(value: string | Uint8Array, headers: KafkaHeaders | undefined): KafkaParseResult {
  const { mode, contentType } = readMode(headers);
  if (mode === 'structured') return { mode, ...parseStructured(value, contentType) };
  return { mode, ...parseBinary(value, headers ?? {}, contentType) };
}

function parseStructured(value: string | Uint8Array, contentType: HeaderText): ParseResult {
  if (contentType !== undefined) {
    const problem = structuredContentTypeProblem(contentType);
    if (problem) return { ok: false, reason: 'invalid-event', problems: [problem] };
  }
  return parseDossierEvent(value);
}

function structuredContentTypeProblem(contentType: { ok: true; text: string } | { ok: false; rule: string }): FieldProblem | undefined {
  const field = `${CONTENT_TYPE_HEADER} (header)`;
  if (!contentType.ok) return { field, rule: contentType.rule };
  const { type, charset } = mediaType(contentType.text);
  if (type === BATCH_FORMAT) return { field, rule: `${BATCH_FORMAT} is not read: send one event per message` };
  if (type !== JSON_EVENT_FORMAT) return { field, rule: `the event format ${type} is not read: a structured event must be ${JSON_EVENT_FORMAT}` };
  if (charset !== undefined && charset !== 'utf-8') return { field, rule: `charset must be UTF-8, not ${charset}` };
  return undefined;
}

/** Where a binary message's problem is, in its own terms: an attribute is a header, `data` is the value. */
function binaryField(field: string, contentTypeCarried: boolean): string {
  if (field === 'data' || field.startsWith('data.')) return field;
  const attribute = field.split('.')[0] ?? field;
  if (attribute === 'datacontenttype' && contentTypeCarried) return `${CONTENT_TYPE_HEADER} (header)`;
  if (attribute === '(message)') return '(headers)';
  return `${CE_HEADER_PREFIX}${attribute} (header)`;
}

function parseBinary(value: string | Uint8Array, headers: KafkaHeaders, contentType: HeaderText): ParseResult {
  const problems: FieldProblem[] = [];
  const attributes: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    if (!name.startsWith(CE_HEADER_PREFIX)) continue; // not an attribute: the binding leaves other headers to the application
    const attribute = name.slice(CE_HEADER_PREFIX.length);
    const text = headerText(raw);
    if (text === undefined) continue;
    if (attribute === 'data') problems.push({ field: `${name} (header)`, rule: 'data travels as the message value in binary mode, not as a header' });
    else if (!ENVELOPE_ATTRIBUTES.has(attribute)) unknown.push(name);
    else if (!text.ok) problems.push({ field: `${name} (header)`, rule: text.rule });
    else attributes[attribute] = text.text;
  }
  if (unknown.length > 0) problems.push({ field: '(headers)', rule: `unknown attribute header(s) not allowed: ${unknown.join(', ')}` });

  // content-type is datacontenttype; the SDKs send ce_datacontenttype beside it, which must then agree.
  if (contentType !== undefined) {
    const field = `${CONTENT_TYPE_HEADER} (header)`;
    if (!contentType.ok) problems.push({ field, rule: contentType.rule });
    else {
      const { type, charset } = mediaType(contentType.text);
      const stated = attributes.datacontenttype === undefined ? undefined : mediaType(attributes.datacontenttype).type;
      if (charset !== undefined && charset !== 'utf-8') problems.push({ field, rule: `charset must be UTF-8, not ${charset}` });
      else if (stated !== undefined && stated !== type) {
        problems.push({ field, rule: `says ${type} but ce_datacontenttype says ${stated}: the two must agree` });
      } else attributes.datacontenttype = type;
    }
  } else if (attributes.datacontenttype !== undefined) attributes.datacontenttype = mediaType(attributes.datacontenttype).type;

  if (Object.keys(attributes).every((a) => a === 'datacontenttype') && unknown.length === 0) {
    problems.push({
      field: '(headers)',
      rule:
        `a binary event (content-type ${contentType?.ok === true ? contentType.text : 'not CloudEvents'}) needs the headers ` +
        'ce_specversion, ce_id, ce_source, ce_type, ce_subject and ce_time; a structured event needs content-type application/cloudevents+json',
    });
  }
  const data = parseStrictJson(value);
  if (!data.ok) {
    const dataProblems = data.problems.map((p) => ({ field: p.field === '(message)' ? 'data (message value)' : `data.${p.field}`, rule: p.rule }));
    return { ok: false, reason: data.reason, problems: [...problems, ...dataProblems] };
  }
  const result = validateDossierEvent({ ...attributes, data: data.value });
  if (result.ok && problems.length === 0) return result;
  // Every rule broken at once, the headers' own first; a header already named is not named again as missing.
  const named = new Set(problems.map((p) => p.field));
  const carried = contentType !== undefined;
  const schemaProblems = result.ok
    ? []
    : result.problems.map((p) => ({ field: binaryField(p.field, carried), rule: p.rule })).filter((p) => !named.has(p.field));
  return { ok: false, reason: 'invalid-event', problems: [...problems, ...schemaProblems] };
}

/** A Kafka message as the binding writes it: the dossier code as key, so that each dossier keeps its order. */
export interface KafkaEventMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** An event as a Kafka message in the mode asked for. The partition key is the key itself, so it is not written again. */
export function toKafkaMessage(event: AnyVersionDossierEvent, mode: ContentMode): KafkaEventMessage {
  if (mode === 'structured') return { key: event.subject, value: JSON.stringify(event), headers: { [CONTENT_TYPE_HEADER]: STRUCTURED_CONTENT_TYPE } };
  const headers: Record<string, string> = { [CONTENT_TYPE_HEADER]: BINARY_CONTENT_TYPE };
  for (const [attribute, value] of Object.entries(event)) {
    if (attribute === 'data' || attribute === 'datacontenttype' || attribute === 'partitionkey' || typeof value !== 'string') continue;
    headers[`${CE_HEADER_PREFIX}${attribute}`] = value;
  }
  return { key: event.subject, value: JSON.stringify(event.data), headers };
}

/**
 * The W3C trace context a message carries, for its log lines: the event's distributed-tracing
 * extension (a `ce_traceparent` header, or `traceparent` in a structured value), else a plain
 * `traceparent` header as Kafka instrumentations write it. Only well-formed values are given back.
 */
export function traceOfMessage(value: string | Uint8Array | null, headers: KafkaHeaders | undefined): { traceparent?: string; tracestate?: string } {
  const read = (name: string): string | undefined => {
    const text = headers === undefined ? undefined : headerText(headers[name]);
    return text?.ok === true ? text.text : undefined;
  };
  let traceparent = read('ce_traceparent') ?? read('traceparent');
  let tracestate = read('ce_tracestate') ?? read('tracestate');
  if (traceparent === undefined && value !== null && contentModeOf(headers) === 'structured') {
    const json = parseStrictJson(value);
    if (json.ok && typeof json.value === 'object' && json.value !== null) {
      const envelope = json.value as { traceparent?: unknown; tracestate?: unknown };
      if (typeof envelope.traceparent === 'string') traceparent = envelope.traceparent;
      if (typeof envelope.tracestate === 'string') tracestate = envelope.tracestate;
    }
  }
  return {
    ...(traceparent !== undefined && CLOUD_EVENT_EXTENSIONS.traceparent.safeParse(traceparent).success ? { traceparent } : {}),
    ...(tracestate !== undefined && CLOUD_EVENT_EXTENSIONS.tracestate.safeParse(tracestate).success ? { tracestate } : {}),
  };
}
