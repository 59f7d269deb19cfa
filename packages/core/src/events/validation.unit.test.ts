import { generateDemoDataset, SAMPLE_RECEIVED } from '@tthc/test-support';
import { parseDossierEvent, validateDossierEvent } from './validation';

const received = SAMPLE_RECEIVED;

describe('dossier event validation', () => {
  it('accepts a well-formed received event', () => {
    const result = validateDossierEvent(received);
    expect(result.ok).toBe(true);
  });

  it('accepts every event the demo generator writes', () => {
    const { events } = generateDemoDataset({ seed: 7, dossiers: 200, period: { from: '2024-01-01', to: '2024-06-30' } });
    const refused = events.map((e) => validateDossierEvent(JSON.parse(JSON.stringify(e)))).filter((r) => !r.ok);
    expect(refused).toEqual([]);
  });

  it.each([
    ['data.processingAgencyCode', { data: { ...received.data, processingAgencyCode: 'SO-TU-PHAP' } }, /agency code/],
    ['data.dueDate', { data: { ...received.data, dueDate: '22/03/2024' } }, /YYYY-MM-DD/],
    ['data.receivedAt', { data: { ...received.data, receivedAt: '2024-03-15T08:30:00' } }, /offset/],
    ['data.channel', { data: { ...received.data, channel: 'fax' } }, /in-person|online|postal/],
    ['subject', { subject: 'has spaces in it' }, /6-64 characters/],
    ['source', { source: 'lamdong' }, /URN/],
    ['specversion', { specversion: '0.3' }, /1\.0/],
  ])('refuses a bad %s, naming the field and the rule', (field, patch, rule) => {
    const result = validateDossierEvent({ ...received, ...patch });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((p) => p.field === field);
    expect(problem?.rule).toMatch(rule);
  });

  it('refuses unknown fields, so personal data cannot slip in', () => {
    const result = validateDossierEvent({ ...received, data: { ...received.data, applicantName: 'Nguyễn Văn A' } });
    expect(result).toMatchObject({ ok: false, problems: [{ field: 'data', rule: expect.stringContaining('applicantName') as string }] });
  });

  it('refuses an unknown event type', () => {
    const result = validateDossierEvent({ ...received, type: 'vn.gov.tthc.dossier.teleported.v1' });
    expect(result).toMatchObject({ ok: false, problems: [{ field: 'type' }] });
  });

  it("does not repeat the text of a message that is not JSON, which V8's own words quote", () => {
    const result = parseDossierEvent('Nguyễn Văn An, 068090001234');
    expect(result).toEqual({
      ok: false,
      reason: 'invalid-json',
      problems: [{ field: '(message)', rule: "must be JSON: Unexpected token 'N' (not valid JSON)" }],
    });
  });

  it('reports bytes that are not JSON as invalid-json', () => {
    expect(parseDossierEvent('{"specversion":')).toMatchObject({ ok: false, reason: 'invalid-json' });
  });
});

describe('missing fields', () => {
  it('says the field is required', () => {
    const { dueDate: _dropped, ...data } = received.data;
    expect(validateDossierEvent({ ...received, data })).toMatchObject({
      ok: false,
      problems: [{ field: 'data.dueDate', rule: 'is required (string)' }],
    });
    const { subject: _s, ...noSubject } = received;
    expect(validateDossierEvent(noSubject)).toMatchObject({ ok: false, problems: [{ field: 'subject', rule: 'is required (string)' }] });
  });
});
