import { SeededRandom } from './random';

describe('SeededRandom.uuidV7', () => {
  it('gives a v7 id whose timestamp is the given time, drawing what uuid() draws so later values stay the same', () => {
    const at = Date.parse('2024-03-15T09:30:00+07:00');
    const v7 = new SeededRandom(42);
    const v4 = new SeededRandom(42);
    const id = v7.uuidV7(at);
    const random = v4.uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    expect(id.slice(15)).toBe(random.slice(15));
    expect(v7.next()).toBe(v4.next());
  });
});
