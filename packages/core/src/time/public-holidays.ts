/**
 * Official public-holiday days off in Viet Nam (Labour Code 2019 art. 112; Decree 145/2020 art. 2:
 * a holiday on a weekly rest day gives a compensatory day; the Prime Minister fixes the Tết days
 * and the day adjacent to 2 Sep each year). Due dates (ngày hẹn trả) are counted in working days,
 * so these days must be skipped like weekends.
 *
 * Only weekdays are listed: weekends are never working days in the working calendar, so a holiday
 * on a Saturday/Sunday appears only through its compensatory weekday. Make-up Saturdays that civil
 * servants worked in exchange for a swapped day off are noted, not counted: the working calendar
 * never treats a weekend as a working day.
 *
 * The table covers VIETNAM_HOLIDAY_YEARS only. Outside those years only weekends are skipped, so
 * the table must be extended each year when the government announces the schedule.
 */

export const VIETNAM_HOLIDAY_YEARS: readonly number[] = [2023, 2024, 2025, 2026];

export type PublicHolidayKind = 'new-year' | 'tet' | 'hung-kings' | 'reunification' | 'labour-day' | 'national-day';

export interface PublicHoliday {
  /** The weekday off, YYYY-MM-DD. */
  readonly day: string;
  /** Which art. 112 holiday it belongs to (compensatory and swapped days included). */
  readonly holiday: PublicHolidayKind;
  /** Why this date, when it is not the holiday's own date, and any assumption behind it. */
  readonly note?: string;
}

const tet = (day: string, note?: string): PublicHoliday => (note === undefined ? { day, holiday: 'tet' } : { day, holiday: 'tet', note });

export const VIETNAM_PUBLIC_HOLIDAYS: readonly PublicHoliday[] = [
  // 2023
  { day: '2023-01-02', holiday: 'new-year', note: '1 Jan fell on a Sunday: compensatory day' },
  tet('2023-01-20', 'Tết Quý Mão off 20–26 Jan (lunar new year Sun 22 Jan)'),
  tet('2023-01-23'),
  tet('2023-01-24'),
  tet('2023-01-25'),
  tet('2023-01-26'),
  { day: '2023-05-01', holiday: 'labour-day' },
  { day: '2023-05-02', holiday: 'hung-kings', note: '10/3 lunar fell on Sat 29 Apr: compensatory day' },
  { day: '2023-05-03', holiday: 'reunification', note: '30 Apr fell on a Sunday: compensatory day' },
  { day: '2023-09-01', holiday: 'national-day', note: 'adjacent day before 2 Sep' },
  { day: '2023-09-04', holiday: 'national-day', note: '2 Sep fell on a Saturday: compensatory day' },

  // 2024
  { day: '2024-01-01', holiday: 'new-year' },
  tet('2024-02-08', 'Tết Giáp Thìn off 8–14 Feb (lunar new year Sat 10 Feb)'),
  tet('2024-02-09'),
  tet('2024-02-12'),
  tet('2024-02-13'),
  tet('2024-02-14'),
  { day: '2024-04-18', holiday: 'hung-kings' },
  {
    day: '2024-04-29',
    holiday: 'reunification',
    note: 'swapped day off (Official Dispatch 2450/VPCP-KGVX); make-up Saturday 4 May not counted as working',
  },
  { day: '2024-04-30', holiday: 'reunification' },
  { day: '2024-05-01', holiday: 'labour-day' },
  { day: '2024-09-02', holiday: 'national-day' },
  { day: '2024-09-03', holiday: 'national-day', note: 'adjacent day after 2 Sep' },

  // 2025
  { day: '2025-01-01', holiday: 'new-year' },
  // Assumption: off Sat 25 Jan – Sun 2 Feb; whether Mon 27 Jan was announced as the compensatory day
  // for mùng 4 (Sat 1 Feb) or as a swap against a make-up Saturday, its weekdays off are 27–31 Jan.
  tet('2025-01-27', 'Tết Ất Tỵ off 25 Jan – 2 Feb (lunar new year Wed 29 Jan)'),
  tet('2025-01-28'),
  tet('2025-01-29'),
  tet('2025-01-30'),
  tet('2025-01-31'),
  { day: '2025-04-07', holiday: 'hung-kings' },
  { day: '2025-04-30', holiday: 'reunification' },
  { day: '2025-05-01', holiday: 'labour-day' },
  // Assumption: the announced swap for civil servants (Fri 2 May off, Sat 26 Apr worked) applies to
  // one-stop shops; drop this entry if the due-date system of a province did not apply it.
  { day: '2025-05-02', holiday: 'labour-day', note: 'swapped day off; make-up Saturday 26 Apr not counted as working' },
  { day: '2025-09-01', holiday: 'national-day', note: 'adjacent day before 2 Sep' },
  { day: '2025-09-02', holiday: 'national-day' },

  // 2026 (schedule as expected at the time of writing: re-check against the announcements)
  // Assumption: New Year is the one day; no bridge swap for Fri 2 Jan is recorded.
  { day: '2026-01-01', holiday: 'new-year' },
  // Assumption: lunar new year Tue 17 Feb; the five Tết days are Mon 16 – Fri 20 Feb (off 14–22 Feb
  // with the weekends). If the announced days differ, fix them here.
  tet('2026-02-16', 'Tết Bính Ngọ, assumed off 14–22 Feb (lunar new year Tue 17 Feb)'),
  tet('2026-02-17'),
  tet('2026-02-18'),
  tet('2026-02-19'),
  tet('2026-02-20'),
  { day: '2026-04-27', holiday: 'hung-kings', note: '10/3 lunar falls on Sun 26 Apr: compensatory day' },
  { day: '2026-04-30', holiday: 'reunification' },
  { day: '2026-05-01', holiday: 'labour-day' },
  // Assumption: the adjacent day is Tue 1 Sep (before Wed 2 Sep), as chosen in 2025.
  { day: '2026-09-01', holiday: 'national-day', note: 'adjacent day before 2 Sep (assumed)' },
  { day: '2026-09-02', holiday: 'national-day' },
];
