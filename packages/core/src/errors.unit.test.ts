import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, errorCodeOf, TthcError } from './errors';
import { StoreUnavailableError, EventStoreError } from './event-store';

/** docs/errors.md has one row per code: `| \`CODE\` | meaning | where it arises | what to do |`. */
const DOC = join(__dirname, '..', '..', '..', 'docs', 'errors.md');
const rows = readFileSync(DOC, 'utf8')
  .split('\n')
  .flatMap((line) => {
    const match = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
    return match ? [{ code: match[1] ?? '', cells: (match[2] ?? '').split(' | ').map((c) => c.trim()) }] : [];
  });

describe('error codes', () => {
  it('each have one row in docs/errors.md, and each row a code', () => {
    const documented = rows.map((r) => r.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('are each explained: meaning, where it arises, what to do', () => {
    for (const row of rows) {
      expect({ code: row.code, cells: row.cells.length }).toEqual({ code: row.code, cells: 3 });
      for (const cell of row.cells) expect(cell).not.toBe('');
    }
  });

  it('are each written once in the list', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('TthcError', () => {
  it('keeps instanceof along its subclasses and names the error after its class', () => {
    const cause = new Error('connection refused');
    const error = new StoreUnavailableError('PostgreSQL unavailable', { cause });
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error).toBeInstanceOf(TthcError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', name: 'StoreUnavailableError', message: 'PostgreSQL unavailable', cause });
    expect(String(error.stack)).toMatch(/^StoreUnavailableError: PostgreSQL unavailable/);
  });

  it('gives its code to errorCodeOf, as does a copy that kept only its properties; other codes are not its', () => {
    expect(errorCodeOf(new StoreUnavailableError('PostgreSQL unavailable'))).toBe('STORE_UNAVAILABLE');
    expect(errorCodeOf(Object.assign(new Error('locked'), { code: 'PROJECTION_LOCKED' }))).toBe('PROJECTION_LOCKED');
    expect(errorCodeOf(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toBeUndefined();
    expect(errorCodeOf({ code: 'USAGE' })).toBeUndefined();
    expect(errorCodeOf(undefined)).toBeUndefined();
  });
});
