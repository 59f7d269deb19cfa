import { EVENT_ID_NAMESPACE, toKurrentEventId, uuidV5 } from './event-id';

const V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('toKurrentEventId', () => {
  it('passes a UUID through, lower-cased', () => {
    expect(toKurrentEventId('00000000-0000-4000-8000-000000000001')).toBe('00000000-0000-4000-8000-000000000001');
    expect(toKurrentEventId('6F9619FF-8B86-D011-B42D-00C04FC964FF')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
  });

  it('turns any other id into the same version 5 UUID every time', () => {
    const id = 'hcm-2024-000123:received';
    expect(toKurrentEventId(id)).toMatch(V5);
    expect(toKurrentEventId(id)).toBe(toKurrentEventId(id));
    expect(toKurrentEventId(id)).toBe(uuidV5(id, EVENT_ID_NAMESPACE));
  });

  it('gives different ids different UUIDs, including near-UUIDs and long or non-ASCII ids', () => {
    const ids = ['a', 'b', 'A', '00000000-0000-4000-8000-00000000000', '{00000000-0000-4000-8000-000000000001}', 'hồ-sơ-001', 'x'.repeat(128)];
    const uuids = ids.map(toKurrentEventId);
    for (const u of uuids) expect(u).toMatch(V5);
    expect(new Set(uuids).size).toBe(ids.length);
  });
});

describe('uuidV5', () => {
  it('matches the published version 5 vector (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
