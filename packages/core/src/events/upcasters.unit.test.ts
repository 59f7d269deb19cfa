import { dossierEvent } from './dossier-events';
import { toCurrentVersion, upcastBody, UPCASTERS } from './upcasters';
import { validateDossierEvent } from './validation';

const receivedV1 = {
  specversion: '1.0',
  id: '8f0d2a59-2b0e-4f43-9d5e-0f6a3b9c1d21',
  source: 'urn:tthc:lamdong-motcua',
  type: 'vn.gov.tthc.dossier.received.v1',
  subject: 'H36-240315-000123',
  time: '2024-03-15T08:30:00+07:00',
  data: {
    procedureCode: '1.002835',
    agencyCode: '000.00.01.H36',
    channel: 'in-person',
    onlineServiceLevel: 'partial',
    receivedAt: '2024-03-15T08:30:00+07:00',
    dueDate: '2024-03-22',
  },
};

describe('versioning and upcasting', () => {
  it('accepts received.v1 at the door and lifts it to a valid received.v2', () => {
    const parsed = validateDossierEvent(receivedV1);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const current = toCurrentVersion(parsed.event);
    expect(current.type).toBe('vn.gov.tthc.dossier.received.v2');
    expect(current.data).toEqual({
      procedureCode: '1.002835',
      receivingAgencyCode: '000.00.01.H36',
      processingAgencyCode: '000.00.01.H36',
      channel: 'in-person',
      onlineServiceLevel: 'partial',
      receivedAt: '2024-03-15T08:30:00+07:00',
      dueDate: '2024-03-22',
    });
    expect(current.id).toBe(receivedV1.id);
    // The lifted event is valid under the current schema: no upcaster may produce what v2 refuses.
    expect(dossierEvent.safeParse(current).success).toBe(true);
  });

  it('leaves current versions as they are', () => {
    const body = { type: 'vn.gov.tthc.dossier.withdrawn.v1', subject: 'H36-240315-000123', data: { withdrawnAt: '2024-03-20T10:00:00+07:00' } };
    expect(upcastBody(body)).toEqual(body);
  });

  it('ends every upcaster chain at a current type', () => {
    const current = new Set<string>(dossierEvent.options.map((o) => o.shape.type.value));
    for (const from of UPCASTERS.keys()) {
      let type = from;
      for (let i = 0; i < 10 && !current.has(type); i += 1) type = UPCASTERS.get(type)?.to ?? type;
      expect([from, current.has(type)]).toEqual([from, true]);
    }
  });

  it('refuses a version nobody published', () => {
    const result = validateDossierEvent({ ...receivedV1, type: 'vn.gov.tthc.dossier.received.v9' });
    expect(result).toMatchObject({ ok: false, problems: [{ field: 'type', rule: 'must be a known dossier event type and version' }] });
  });
});
