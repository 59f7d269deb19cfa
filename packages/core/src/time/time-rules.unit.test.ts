import { DateTime } from 'luxon';
import { localDay } from './local-day';
import { timeliness } from './timeliness';
import { addWorkingDays } from './working-days';

describe('local day (Asia/Ho_Chi_Minh)', () => {
  it.each([
    ['2024-03-15T23:59:59+07:00', '2024-03-15'],
    ['2024-03-16T00:00:00+07:00', '2024-03-16'],
    ['2024-03-15T16:59:59Z', '2024-03-15'], // 23:59:59 local
    ['2024-03-15T17:00:00Z', '2024-03-16'], // 00:00 local, still the 15th in UTC
    ['2023-12-31T17:30:00Z', '2024-01-01'],
  ])('%s falls on %s', (instant, day) => {
    expect(localDay(instant)).toBe(day);
  });
});

describe('timeliness against the due date', () => {
  it('is early before the due day, on time on it, late after it', () => {
    expect(timeliness('2024-03-21T16:00:00+07:00', '2024-03-22')).toBe('early');
    expect(timeliness('2024-03-22T23:59:00+07:00', '2024-03-22')).toBe('on-time');
    expect(timeliness('2024-03-23T00:00:00+07:00', '2024-03-22')).toBe('late');
  });

  it('judges by the local day, not the UTC day', () => {
    // 2024-03-22T17:30Z is 00:30 on the 23rd in Vietnam: late, though still the 22nd in UTC.
    expect(timeliness('2024-03-22T17:30:00Z', '2024-03-22')).toBe('late');
  });
});

describe('working days', () => {
  it('skips weekends', () => {
    expect(addWorkingDays('2024-03-15', 1)).toBe('2024-03-18'); // Friday + 1 → Monday
    expect(addWorkingDays('2024-03-16', 1)).toBe('2024-03-18'); // Saturday + 1 → Monday
    expect(addWorkingDays('2024-03-11', 5)).toBe('2024-03-18');
  });
});

describe('local day fast path', () => {
  it('agrees with the zone database for instants across decades, offsets and day boundaries', () => {
    const offsets = ['Z', '+07:00', '-05:00', '+09:30', '+00:00'];
    for (let t = Date.UTC(1976, 0, 1); t < Date.UTC(2040, 0, 1); t += 7_919_999_123) {
      for (const offset of offsets) {
        const iso =
          DateTime.fromMillis(t, { zone: offset === 'Z' ? 'utc' : `UTC${offset.replace(':00', '').replace(':30', ':30')}` }).toISO({
            suppressMilliseconds: true,
            includeOffset: true,
          }) ?? '';
        const expected = DateTime.fromMillis(t, { zone: 'Asia/Ho_Chi_Minh' }).toISODate();
        expect([iso, localDay(iso)]).toEqual([iso, expected]);
      }
    }
  });

  it('refuses what is not an instant', () => {
    expect(() => localDay('2024-13-45T10:00:00+07:00')).toThrow(RangeError);
    expect(() => localDay('yesterday')).toThrow(RangeError);
  });
});
