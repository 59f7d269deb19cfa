import { eventId, ORDERED_PER_SECOND } from './dossier-events';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('simulated event ids', () => {
  const sec = Date.parse('2024-03-15T02:30:00Z') / 1000;

  it('are UUIDv7 whose timestamp is the event’s second, in milliseconds', () => {
    const id = eventId(12345, 7, sec, 0);
    expect(id).toMatch(V7);
    expect(millisOf(id)).toBe(sec * 1000);
  });

  it('increase with the place in the second, carrying into the milliseconds after 4,096 events, and across seconds', () => {
    const places = [0, 1, 4095, 4096, 4097, ORDERED_PER_SECOND - 1];
    const ids = [...places.map((seq, i) => eventId(1, i, sec, seq)), eventId(1, 99, sec + 1, 0)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(millisOf(eventId(1, 0, sec, 4096))).toBe(sec * 1000 + 1);
    expect(millisOf(eventId(1, 0, sec, ORDERED_PER_SECOND + 5))).toBe(sec * 1000 + 999);
  });

  it('never repeat for distinct ordinals, even at the same time and place', () => {
    const ids = Array.from({ length: 5000 }, (_, ordinal) => eventId(0xdeadbeef, ordinal, sec, 0));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => V7.test(id))).toBe(true);
  });

  it('are the same for the same key, and differ for another', () => {
    expect(eventId(5, 3, sec, 2)).toBe(eventId(5, 3, sec, 2));
    expect(eventId(6, 3, sec, 2)).not.toBe(eventId(5, 3, sec, 2));
  });
});
