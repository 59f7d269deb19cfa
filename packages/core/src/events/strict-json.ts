import type { FieldProblem } from './field-problem';

/**
 * V8's words for a parse error, without the start of the text that some of them quote
 * (`Unexpected token 'N', "Nguyễn Văn"... is not valid JSON`): a letter's reason is logged and kept,
 * and the text may be anything a sender wrote, a citizen's name included.
 */
function withoutQuotedText(message: string): string {
  return message.replace(/, "[\s\S]*"(?:\.\.\.)? is not valid JSON$/, ' (not valid JSON)');
}

/**
 * Characters no text of a message may hold: control characters (Cc, NUL included), invisible format
 * characters (Cf: byte-order mark, zero-width and bidirectional marks), lone UTF-16 surrogates (Cs)
 * and line or paragraph separators. None belongs in a code, an id or a time, and several break a
 * store (PostgreSQL's jsonb refuses NUL) or hide what a reader sees.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
// JSON's own whitespace between tokens is fine; only other forbidden characters are named in a syntax error.
const FORBIDDEN_OUTSIDE_WHITESPACE = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

const NAMES: Readonly<Record<number, string>> = {
  0x0: 'NUL',
  0x9: 'tab',
  0xa: 'line feed',
  0xd: 'carriage return',
  0x7f: 'delete',
  0xad: 'soft hyphen',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x2060: 'word joiner',
  0xfeff: 'byte-order mark',
};

/** `U+FEFF (byte-order mark)`: an invisible character named so that a reader can find it. */
export function describeCodePoint(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name =
    NAMES[codePoint] ??
    (codePoint >= 0xd800 && codePoint <= 0xdfff
      ? 'a lone UTF-16 surrogate'
      : codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)
        ? 'a control character'
        : 'an invisible format character');
  return `${hex} (${name})`;
}

/** The rule a text breaks, or undefined when it holds no forbidden character. */
export function forbiddenCharacterRule(text: string): string | undefined {
  const found = FORBIDDEN.exec(text);
  if (!found) return undefined;
  return `must not contain ${describeCodePoint(found[0].codePointAt(0) ?? 0)}, at character ${found.index + 1}`;
}

const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** The text with each forbidden character written as a `\u{…}` escape: safe to store and to show. */
export const escapeInvisible = (text: string): string => text.replace(FORBIDDEN_ALL, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);

/** The result of reading a message's bytes as strict JSON. */
export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: 'invalid-encoding' | 'invalid-json' | 'invalid-event'; readonly problems: readonly FieldProblem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence (only called once decoding failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    try {
      utf8.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

/** Decodes UTF-8 strictly: a byte that is not UTF-8 is refused, never replaced by U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; rule: string } {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const byte = bytes[at];
    const shown = byte === undefined ? 'a truncated sequence at the end' : `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at offset ${at}`;
    return { ok: false, rule: `must be UTF-8 text: ${shown} is not valid UTF-8` };
  }
}

const path = (parts: readonly (string | number)[]): string => (parts.length === 0 ? '(message)' : parts.join('.'));

/**
 * Every string of a parsed value, keys included, checked for forbidden characters (unless `check`
 * is false: the text was found clean as a whole); returns how many object keys the value holds, to
 * compare with the keys written in the text. `at` is one path, pushed and popped, copied only for a
 * problem: a path array per field was a large share of ingest's allocations.
 */
function walk(value: unknown, at: (string | number)[], problems: FieldProblem[], check: boolean): number {
  if (typeof value === 'string') {
    const rule = check ? forbiddenCharacterRule(value) : undefined;
    if (rule) problems.push({ field: path(at), rule });
    return 0;
  }
  if (typeof value !== 'object' || value === null) return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      at.push(i);
      keys += walk(value[i], at, problems, check);
      at.pop();
    }
    return keys;
  }
  for (const key of Object.keys(value)) {
    keys += 1;
    at.push(key);
    const rule = check ? forbiddenCharacterRule(key) : undefined;
    if (rule) problems.push({ field: path(at), rule: `field name ${rule}` });
    keys += walk((value as Record<string, unknown>)[key], at, problems, check);
    at.pop();
  }
  return keys;
}

/** Every key or string of a value (an event built in code) that holds a forbidden character, by field. */
export function forbiddenTextProblems(value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  walk(value, [], problems, true);
  return problems;
}

/**
 * How many keys the text writes: strings followed by a colon. A scan from quote to quote (a quote
 * after an odd run of backslashes is inside the string), with no match object per string.
 */
function keysWritten(text: string): number {
  let keys = 0;
  let i = text.indexOf('"');
  while (i !== -1) {
    let end = text.indexOf('"', i + 1);
    for (;;) {
      if (end === -1) return keys;
      let slashes = 0;
      while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes += 1;
      if (slashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    let next = end + 1;
    let c = text.charCodeAt(next);
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt((next += 1));
    if (c === 0x3a) keys += 1;
    i = text.indexOf('"', next);
  }
  return keys;
}

/** The path of the first key written twice in one object (only called once the counts differ). */
function firstDuplicateKey(text: string): string {
  const stack: { keys: Set<string>; path: (string | number)[]; index: number; pendingKey: string | undefined; isArray: boolean }[] = [];
  const tokens = /"(?:[^"\\]|\\.)*"|[{}[\],:]/g;
  let lastString: string | undefined;
  for (const [token] of text.matchAll(tokens)) {
    const top = stack.at(-1);
    if (token === '{' || token === '[') {
      const parentPath = top ? [...top.path, top.isArray ? top.index : (top.pendingKey ?? '')] : [];
      stack.push({ keys: new Set(), path: parentPath, index: 0, pendingKey: undefined, isArray: token === '[' });
    } else if (token === '}' || token === ']') stack.pop();
    else if (token === ',') {
      if (top?.isArray) top.index += 1;
    } else if (token === ':') {
      if (top && lastString !== undefined) {
        if (top.keys.has(lastString)) return path([...top.path, lastString]);
        top.keys.add(lastString);
        top.pendingKey = lastString;
      }
    } else lastString = JSON.parse(token) as string;
  }
  return '(message)';
}

/**
 * Reads a message as JSON that means one thing: UTF-8 decoded strictly, JSON syntax, no key written
 * twice in one object (the sender's meaning would be unknown: `JSON.parse` keeps the last), and no
 * forbidden character in any key or string. Each refusal names the field and the rule.
 */
export function parseStrictJson(input: string | Uint8Array): StrictJsonResult {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const decoded = decodeUtf8(input);
    if (!decoded.ok) return { ok: false, reason: 'invalid-encoding', problems: [{ field: '(message)', rule: decoded.rule }] };
    text = decoded.text;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hidden = FORBIDDEN_OUTSIDE_WHITESPACE.exec(text);
    const rule = hidden
      ? `must be JSON: it holds ${describeCodePoint(hidden[0].codePointAt(0) ?? 0)} at character ${hidden.index + 1}`
      : `must be JSON: ${withoutQuotedText((error as Error).message)}`;
    return { ok: false, reason: 'invalid-json', problems: [{ field: '(message)', rule }] };
  }
  const problems: FieldProblem[] = [];
  // A string can hold a forbidden character only written raw (found by one test of the whole text)
  // or through an escape (every escape starts with a backslash); a text with neither needs no check
  // string by string. The plain class, not the one that spares JSON's whitespace: its lookahead at
  // every character cost more than the walk it saves; a text with a raw tab or line feed between
  // tokens is merely checked string by string.
  const check = text.includes('\\') || FORBIDDEN.test(text);
  const keys = walk(value, [], problems, check);
  if (keys !== keysWritten(text)) {
    return {
      ok: false,
      reason: 'invalid-json',
      problems: [{ field: firstDuplicateKey(text), rule: 'is written twice in one object: the sender meant one value' }],
    };
  }
  if (problems.length > 0) return { ok: false, reason: 'invalid-event', problems };
  return { ok: true, value };
}
