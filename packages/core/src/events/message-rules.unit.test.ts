import fc from 'fast-check';
import { generateDemoDataset, SAMPLE_RECEIVED } from '@tthc/test-support';
import { naturalKeyOf, sameFact } from './natural-key';
import { forbiddenTextProblems, parseStrictJson } from './strict-json';
import { timeBoundProblems } from './time-bounds';
import { parseDossierEvent, type ParseResult } from './validation';

const received = SAMPLE_RECEIVED;
const payment = {
  ...received,
  id: 'pay-1',
  type: 'vn.gov.tthc.dossier.paid-online.v1',
  data: { transactionId: 'TX-0001', amountVnd: 50_000, platform: 'payment-platform-dvcqg', paidAt: '2024-03-16T09:00:00+07:00' },
};

const problemsOf = (result: ParseResult) => (result.ok ? [] : result.problems.map((p) => `${p.field}: ${p.rule}`));
const refusal = (text: string | Uint8Array) => {
  const r = parseDossierEvent(text);
  return r.ok ? 'accepted' : `${r.reason} ${problemsOf(r).join('; ')}`;
};

describe('text a message may hold', () => {
  it.each([
    ['NUL', 'H36\u0000X', /^invalid-event data\.transactionId: must not contain U\+0000 \(NUL\)/],
    ['a bell', 'TX\u0007', /U\+0007 \(a control character\)/],
    ['a lone surrogate', 'TX\ud800', /U\+D800 \(a lone UTF-16 surrogate\)/],
    ['a zero-width space', 'TX\u200b1', /U\+200B \(zero-width space\)/],
    ['a byte-order mark', '\ufeffTX', /U\+FEFF \(byte-order mark\)/],
  ])('refuses %s in any string, naming the field and the code point', (_name, transactionId, rule) => {
    expect(refusal(JSON.stringify({ ...payment, data: { ...payment.data, transactionId } }))).toMatch(rule);
  });

  it('refuses a control character in a field name too', () => {
    expect(refusal(JSON.stringify({ ...payment, ['x\u0001']: 1 }))).toMatch(/field name must not contain U\+0001/);
  });

  it.each([
    ['blank', '   ', /data\.transactionId: must be 1-64 visible characters/],
    ['empty', '', /data\.transactionId: must be 1-64 visible characters/],
    ['with a space', 'TX 1', /data\.transactionId: must be 1-64 visible characters/],
  ])('refuses a %s transaction id', (_name, transactionId, rule) => {
    expect(refusal(JSON.stringify({ ...payment, data: { ...payment.data, transactionId } }))).toMatch(rule);
  });

  it.each([['   '], [' x'], ['a\tb']])('refuses the event id %j', (id) => {
    expect(refusal(JSON.stringify({ ...received, id }))).toMatch(/^invalid-event id: must be 1-128 visible characters|U\+0009/);
  });

  it('decodes UTF-8 strictly: a byte that is not UTF-8 is refused with its offset, never replaced', () => {
    const text = Buffer.from(JSON.stringify(received));
    const at = text.indexOf('H36-');
    const bad = Buffer.concat([text.subarray(0, at), Buffer.from([0xc3, 0x28]), text.subarray(at)]);
    expect(refusal(bad)).toBe(`invalid-encoding (message): must be UTF-8 text: byte 0xC3 at offset ${at} is not valid UTF-8`);
    expect(refusal(Buffer.concat([text, Buffer.from([0xe2, 0x82])]))).toMatch(/^invalid-encoding .*not valid UTF-8/);
  });

  it('names an invisible character that breaks the JSON syntax by its code point', () => {
    expect(refusal(`\ufeff${JSON.stringify(received)}`)).toBe('invalid-json (message): must be JSON: it holds U+FEFF (byte-order mark) at character 1');
  });

  it('refuses a key written twice in one object, naming it, wherever it is', () => {
    const twice = JSON.stringify(payment).replace('"amountVnd":50000', '"amountVnd":5000000,"amountVnd":50000');
    expect(refusal(twice)).toBe('invalid-json data.amountVnd: is written twice in one object: the sender meant one value');
    expect(refusal(`{"id":"a",${JSON.stringify(received).slice(1)}`)).toBe('invalid-json id: is written twice in one object: the sender meant one value');
    // A key-like text inside a string value is not a key.
    expect(refusal(JSON.stringify({ ...received, id: 'x","id":"y' }))).toBe('accepted');
  });

  it('property: any bytes give a result (never a throw), and an accepted event holds no forbidden character', () => {
    const good = JSON.stringify(payment);
    const mutated = fc.tuple(fc.nat({ max: good.length }), fc.uint8Array({ maxLength: 6 }), fc.nat({ max: 6 })).map(([at, insert, cut]) => {
      const bytes = Buffer.from(good);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), bytes.subarray(Math.min(bytes.length, at + cut))]);
    });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.uint8Array({ maxLength: 64 }),
          fc.string({ unit: 'binary' }).map((s) => JSON.stringify({ ...payment, id: s })),
        ),
        (input) => {
          const result = parseDossierEvent(input);
          if (result.ok) expect(forbiddenTextProblems(result.event)).toEqual([]);
          else expect(result.problems.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('counts the keys written past escaped quotes, backslashes and whitespace before a colon', () => {
    expect(parseStrictJson('{"a\\"":1, "b\\\\" :2,\n "c": "\\":x"}')).toMatchObject({ ok: true, value: { 'a"': 1, 'b\\': 2, c: '":x' } });
    expect(parseStrictJson('{"a\\"":1, "a\\""\t:2}')).toMatchObject({ ok: false, reason: 'invalid-json' });
  });

  it('checks every string when the text holds a raw tab or line feed between tokens', () => {
    expect(parseStrictJson('{\n\t"a": "x\u200by"\n}')).toMatchObject({ ok: false, reason: 'invalid-event' });
    expect(parseStrictJson('{\n\t"a": "xy"\n}')).toMatchObject({ ok: true, value: { a: 'xy' } });
  });

  it('property: JSON that writes no key twice parses to the same value as JSON.parse', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const strict = parseStrictJson(text);
        const value: unknown = JSON.parse(text);
        // fc.json writes no key twice: only a forbidden character in a string may refuse it.
        if (strict.ok) expect(strict.value).toEqual(value);
        else expect(strict.reason).toBe('invalid-event');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rules between the fields of one event', () => {
  it.each([
    [
      'a due date before the receipt day',
      { ...received, data: { ...received.data, dueDate: '2024-03-14' } },
      'data.dueDate: must not be before the day of receipt (2024-03-15)',
    ],
    [
      'a refusal at reception before the submission',
      {
        ...received,
        type: 'vn.gov.tthc.dossier.refused-at-reception.v1',
        data: { procedureCode: '1.002835', agencyCode: '000.00.01.H36', submittedAt: '2024-03-15T08:30:00+07:00', refusedAt: '2024-03-15T08:29:59+07:00' },
      },
      'data.refusedAt: must not be before the submission (2024-03-15T08:30:00+07:00)',
    ],
    [
      'a new due date before the supplement arrived',
      { ...received, type: 'vn.gov.tthc.dossier.supplement-received.v1', data: { receivedAt: '2024-04-02T10:00:00+07:00', newDueDate: '2024-04-01' } },
      'data.newDueDate: must not be before the day the supplement arrived (2024-04-02)',
    ],
    [
      'an apology promising a day already past',
      { ...received, type: 'vn.gov.tthc.dossier.apology-issued.v1', data: { issuedAt: '2024-04-02T10:00:00+07:00', newAppointmentDate: '2024-03-30' } },
      'data.newAppointmentDate: must not be before the day of the apology (2024-04-02)',
    ],
  ])('refuses %s, naming the field and the rule', (_name, event, rule) => {
    expect(problemsOf(parseDossierEvent(JSON.stringify(event)))).toEqual([rule]);
  });

  it('compares a due date with the Vietnamese day of receipt: a receipt at 23:30 UTC is already the next day', () => {
    const late = { ...received, data: { ...received.data, receivedAt: '2024-03-15T23:30:00Z', dueDate: '2024-03-15' } };
    expect(problemsOf(parseDossierEvent(JSON.stringify(late)))).toEqual(['data.dueDate: must not be before the day of receipt (2024-03-16)']);
    expect(parseDossierEvent(JSON.stringify({ ...late, data: { ...late.data, dueDate: '2024-03-16' } })).ok).toBe(true);
  });
});

describe('time bounds', () => {
  const now = Date.parse('2024-06-30T12:00:00+07:00');
  const bounds = { notBefore: '2000-01-01', maxAheadMs: 86_400_000, maxDateAheadDays: 1827 };
  it.each([
    [
      'a receipt in 2099',
      { time: '2024-03-15T08:30:00+07:00', data: { ...received.data, receivedAt: '2099-01-01T08:00:00+07:00', dueDate: '2099-01-10' } },
      ['data.receivedAt', 'data.dueDate'],
    ],
    ['a sending time in 1970', { time: '1970-01-01T00:00:00Z', data: received.data }, ['time']],
    ['a finish in 2204', { time: '2024-03-15T08:30:00+07:00', data: { finishedAt: '2204-03-01T10:00:00+07:00', outcome: 'approved' } }, ['data.finishedAt']],
  ])('refuses %s', (_name, event, fields) => {
    expect(timeBoundProblems(event, now, bounds).map((p) => p.field)).toEqual(fields);
  });

  it('passes every event of an old feed, and a clock a few hours fast', () => {
    const { events } = generateDemoDataset({ seed: 5, dossiers: 100, period: { from: '2019-01-01', to: '2019-06-30' } });
    expect(events.flatMap((e) => timeBoundProblems(e, now, bounds))).toEqual([]);
    expect(timeBoundProblems({ time: '2024-06-30T20:00:00+07:00', data: {} }, now, bounds)).toEqual([]);
  });
});

describe('natural keys', () => {
  const parsed = (value: unknown) => {
    const r = parseDossierEvent(JSON.stringify(value));
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.event;
  };
  it('names a payment by its platform and transaction, whatever the event id', () => {
    const again = parsed({ ...payment, id: 'pay-2', time: '2024-03-16T10:00:00+07:00' });
    expect(naturalKeyOf(again)).toEqual({ scope: 'log', key: 'paid-online/payment-platform-dvcqg/TX-0001' });
    expect(sameFact(parsed(payment), again)).toBe(true);
    expect(sameFact(parsed(payment), parsed({ ...payment, data: { ...payment.data, amountVnd: 5_000_000 } }))).toBe(false);
  });

  it('names a repeatable step by the instant it happened, in any offset', () => {
    const a = parsed({ ...received, type: 'vn.gov.tthc.dossier.supplement-requested.v1', data: { requestedAt: '2024-03-18T10:00:00+07:00' } });
    const b = parsed({ ...received, type: 'vn.gov.tthc.dossier.supplement-requested.v1', data: { requestedAt: '2024-03-18T03:00:00Z' } });
    expect(naturalKeyOf(a)).toEqual(naturalKeyOf(b));
    expect(naturalKeyOf(a).scope).toBe('dossier');
    expect(sameFact(a, b)).toBe(true);
  });
});
