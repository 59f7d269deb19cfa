import { z } from 'zod';
import { anyVersionDossierEvent } from '../events/dossier-events';
import { CE_HEADER_PREFIX, contentModeOf, headerText, isReadHeader, type KafkaHeaders } from '../events/kafka-binding';
import type { DeadLetterReason, LetterHeaders, PARKED_REASON } from './dead-letter';

/** What a letter keeps of its message, and the paths of the values it did not keep in clear. */
export interface KeptLetterValue {
  readonly value: Uint8Array;
  /** `data.applicantName`, `(message)`: each value replaced by a description of it. */
  readonly redacted: readonly string[];
}

/** Reasons whose message was not read as JSON at all: it may be anything, a citizen's name included. */
const UNREADABLE: ReadonlySet<string> = new Set<DeadLetterReason>(['invalid-encoding', 'invalid-json']);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** How a value that was not kept is described: its kind and size, never its content. */
export function redactedMark(value: unknown): string {
  if (typeof value === 'string') return `[redacted: text of ${value.length} characters]`;
  if (Array.isArray(value)) return `[redacted: list of ${value.length}]`;
  if (value === null) return '[redacted: null]';
  if (typeof value === 'object') return `[redacted: object of ${Object.keys(value).length} fields]`;
  return `[redacted: ${typeof value}]`;
}

/** The schema inside optional, nullable and default wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}

/**
 * Keeps the values of the fields a schema has and replaces every other value with its description:
 * the fields a strict schema forbids are where a sender's personal data (a name, an ID number, an
 * address) would be. `schema` undefined: nothing is known of this object, so none of its values is kept.
 */
function keepKnown(value: unknown, schema: z.ZodType | undefined, path: string, redacted: string[]): unknown {
  const inner = schema === undefined ? undefined : unwrapped(schema);
  if (typeof value !== 'object' || value === null) {
    // A text where an object was expected is as free as a forbidden field.
    if (inner !== undefined && !(inner instanceof z.ZodObject) && !(inner instanceof z.ZodArray)) return value;
    redacted.push(path);
    return redactedMark(value);
  }
  if (Array.isArray(value)) {
    if (inner instanceof z.ZodArray) return value.map((v, i) => keepKnown(v, inner.element as z.ZodType, `${path}.${i}`, redacted));
    redacted.push(path);
    return redactedMark(value);
  }
  const shape: Record<string, z.ZodType> | undefined = inner instanceof z.ZodObject ? inner.shape : undefined;
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const field = path === '' ? key : `${path}.${key}`;
    const known = shape !== undefined && Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (known === undefined) {
      redacted.push(field);
      kept[key] = redactedMark(v);
    } else kept[key] = keepKnown(v, known, field, redacted);
  }
  return kept;
}

/** The event schema of a `type`; when the type is not one, the envelope alone, with no field of `data` known. */
function schemaOfType(type: unknown): z.ZodType {
  const option = anyVersionDossierEvent.options.find((o) => o.shape.type.value === type);
  if (option !== undefined) return option;
  return z.object({ ...anyVersionDossierEvent.options[0].shape, type: z.string(), data: z.object({}) });
}

/**
 * What a dead or parked letter keeps of its message (issue #22): what redrive needs and what an
 * operator needs to see why, and no personal data in clear.
 * - A message that is not JSON (invalid encoding or JSON) can never be redriven, and may hold
 *   anything: only its size and its SHA-256 (`digestOf`, hex; to find it in the sender's own log) are kept.
 * - An event that failed its schema keeps the values of the fields its type has; every value of a
 *   field the schema forbids becomes a description (`[redacted: text of 14 characters]`), its name kept.
 * - Any other letter holds an event that passed its schema, which has no field for personal data,
 *   and is kept verbatim for redrive.
 */
export function keptLetterValue(
  reason: DeadLetterReason | typeof PARKED_REASON,
  bytes: Uint8Array,
  digestOf: (bytes: Uint8Array) => string,
  /** The message's headers: in binary mode the value is `data` alone, of the type `ce_type` names. */
  headers?: KafkaHeaders,
): KeptLetterValue {
  if (bytes.length === 0) return { value: bytes, redacted: [] };
  const unreadable = (): KeptLetterValue => ({
    // Not JSON on purpose: a redrive reads it as the unreadable message it stands for.
    value: encoder.encode(`[redacted: ${bytes.length} bytes that were not read; sha256 ${digestOf(bytes).slice(0, 16)}…]`),
    redacted: ['(message)'],
  });
  if (UNREADABLE.has(reason)) return unreadable();
  if (reason !== 'invalid-event') return { value: bytes, redacted: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch {
    return unreadable();
  }
  const redacted: string[] = [];
  const binary = contentModeOf(headers) === 'binary';
  const kept = binary ? keepKnown(parsed, dataSchemaOfType(headers), 'data', redacted) : keepKnown(parsed, schemaOfType(envelopeType(parsed)), '', redacted);
  if (redacted.length === 0) return { value: bytes, redacted };
  return { value: encoder.encode(JSON.stringify(kept)), redacted: redacted.map((p) => (p === '' ? '(message)' : p)) };
}

const envelopeType = (parsed: unknown): unknown =>
  typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { type?: unknown }).type : undefined;

/** The `data` schema of the type a binary message's `ce_type` names; undefined when it names none, so nothing of `data` is known. */
function dataSchemaOfType(headers: KafkaHeaders | undefined): z.ZodType | undefined {
  const type = headers === undefined ? undefined : headerText(headers[`${CE_HEADER_PREFIX}type`]);
  const option = type?.ok === true ? anyVersionDossierEvent.options.find((o) => o.shape.type.value === type.text) : undefined;
  return option?.shape.data;
}

/**
 * What a letter keeps of its message's headers: every name, and the value of each header the
 * pipeline reads (`content-type`, the `ce_` attributes of the envelope, the trace context), so that a
 * redrive reads the message as it came. Any other header was never read and may hold anything: its
 * value becomes a description. Undefined when the message had no header.
 */
export function keptLetterHeaders(headers: KafkaHeaders | undefined): LetterHeaders | undefined {
  if (headers === undefined) return undefined;
  const kept: Record<string, string | string[]> = {};
  const describe = (value: string | Uint8Array): string => {
    if (typeof value === 'string') return redactedMark(value);
    const text = headerText(value);
    return text?.ok === true ? redactedMark(text.text) : `[redacted: ${value.length} bytes that were not read]`;
  };
  const keep = (value: string | Uint8Array): string => {
    const text = headerText(value);
    return text?.ok === true ? text.text : `[redacted: ${value.length} bytes that were not read]`;
  };
  for (const [name, value] of Object.entries(headers)) {
    if (value === null || value === undefined) continue;
    const one = isReadHeader(name) ? keep : describe;
    kept[name] = typeof value === 'string' || value instanceof Uint8Array ? one(value) : (value as readonly (string | Uint8Array)[]).map(one);
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}
