import { timeliness } from './timeliness';
import { VIETNAM_WORKING_CALENDAR, workingCalendar } from './working-calendar';
import { addWorkingDays, workingDaysBetween } from './working-days';

describe('the working calendar', () => {
  it.each([
    ['2024-03-15', true], // Friday
    ['2024-03-16', false], // Saturday
    ['2024-03-17', false], // Sunday
    ['2024-02-07', true], // the day before Tết 2024
    ['2024-02-08', false], // Tết
    ['2024-02-15', true], // back at work
    ['2024-04-29', false], // swapped day off
    ['2024-05-04', false], // the make-up Saturday still counts as a weekend
    ['2025-05-02', false],
    ['2027-01-01', true], // beyond the table: weekends only
  ])('%s working: %s', (day, working) => {
    expect(VIETNAM_WORKING_CALENDAR.isWorkingDay(day)).toBe(working);
  });

  it("adds a province's own days off to the national ones", () => {
    const province = workingCalendar(['2024-03-20']);
    expect(province.isWorkingDay('2024-03-20')).toBe(false);
    expect(province.isWorkingDay('2024-02-08')).toBe(false);
    expect(VIETNAM_WORKING_CALENDAR.isWorkingDay('2024-03-20')).toBe(true);
    expect(addWorkingDays('2024-03-19', 1, province)).toBe('2024-03-21');
  });

  it('refuses malformed dates', () => {
    expect(() => workingCalendar(['2024-02-30'])).toThrow(RangeError);
    expect(() => VIETNAM_WORKING_CALENDAR.isWorkingDay('2024-3-1')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2024-03-15', 1, '2024-03-18'], // Friday + 1 → Monday
    ['2024-03-15', 0, '2024-03-15'],
    ['2024-02-07', 1, '2024-02-15'], // over Tết 2024 (8–14 Feb off)
    ['2024-02-06', 3, '2024-02-16'],
    ['2024-04-26', 1, '2024-05-02'], // over 29 Apr (swap), 30 Apr, 1 May
    ['2024-04-17', 1, '2024-04-19'], // over Hùng Kings' day
    ['2024-08-30', 1, '2024-09-04'], // over National Day 2–3 Sep
    ['2023-12-29', 1, '2024-01-02'], // across New Year: Fri → (weekend, 1 Jan) → Tue
    ['2024-12-27', 3, '2025-01-02'], // across New Year: Mon 30, Tue 31, (1 Jan off), Thu 2
    ['2025-01-24', 1, '2025-02-03'], // over Tết 2025
  ])('%s + %i working days = %s', (day, n, due) => {
    expect(addWorkingDays(day, n)).toBe(due);
  });

  it('never produces a weekend or holiday due date', () => {
    // Every Friday of 2023–2026 plus 1..10 working days lands on a working day, never Sat/Sun.
    for (let friday = '2023-01-06'; friday < '2027-01-01'; friday = addDays7(friday)) {
      for (let n = 1; n <= 10; n += 1) {
        const due = addWorkingDays(friday, n);
        expect(VIETNAM_WORKING_CALENDAR.isWorkingDay(due)).toBe(true);
        expect(workingDaysBetween(friday, due)).toBe(n);
      }
    }
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays('2024-03-15', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2024-03-15', 1.5)).toThrow(RangeError);
  });

  it('stops on a calendar without working days', () => {
    const never = { isWorkingDay: () => false };
    expect(() => addWorkingDays('2024-03-15', 1, never)).toThrow(/no working day/);
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['2024-03-15', '2024-03-15', 0],
    ['2024-03-15', '2024-03-18', 1], // after Friday up to Monday
    ['2024-03-16', '2024-03-17', 0], // a weekend
    ['2024-02-07', '2024-02-15', 1], // Tết 2024
    ['2024-02-01', '2024-02-29', 15], // 20 weekdays after Thu 1 Feb, less the 5 Tết days
    ['2023-12-29', '2024-01-02', 1], // New Year
    ['2024-03-18', '2024-03-15', -1], // reversed
  ])('%s .. %s = %i', (from, to, n) => {
    expect(workingDaysBetween(from, to)).toBe(n);
  });
});

describe('due date on a weekend (design.md §2)', () => {
  it('cannot come from the working calendar', () => {
    expect(addWorkingDays('2024-03-15', 1)).toBe('2024-03-18'); // Friday + 1 is Monday, not Saturday
  });

  it('is judged by calendar dates only: finished the Monday after a Saturday due date is late', () => {
    // A due date recorded by a source system may still fall on a Saturday. Timeliness compares the
    // local calendar date of finishing with the due date; the weekend grants no extension.
    expect(timeliness('2024-03-16T10:00:00+07:00', '2024-03-16')).toBe('on-time');
    expect(timeliness('2024-03-18T08:00:00+07:00', '2024-03-16')).toBe('late');
    expect(timeliness('2024-03-15T16:00:00+07:00', '2024-03-16')).toBe('early');
  });
});

function addDays7(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7);
  return d.toISOString().slice(0, 10);
}
