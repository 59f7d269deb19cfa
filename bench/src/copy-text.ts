import type { PostgresEventRow } from '@tthc/store-postgres';
import type { EventRow } from './dataset';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in PostgreSQL's COPY text format: backslash, tab, newline and carriage return escaped. */
export function copyValue(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : value;
}

/** The columns `copyLines` writes, in its order; checked against the store's row, so a renamed column fails to compile. */
export const COPY_COLUMNS = ['stream_id', 'revision', 'event_id', 'type', 'data', 'metadata'] as const satisfies readonly (keyof PostgresEventRow)[];

/** COPY text lines for `events (COPY_COLUMNS)`. */
export function copyLines(rows: readonly EventRow[], from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i += 1) {
    const r = rows[i];
    if (!r) break;
    text += `${copyValue(r.streamId)}\t${r.revision}\t${copyValue(r.eventId)}\t${copyValue(r.type)}\t${copyValue(r.data)}\t${copyValue(r.metadata)}\n`;
  }
  return text;
}
