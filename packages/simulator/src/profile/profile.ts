import { z } from 'zod';
import { apportion } from '../profile-simulation/apportion';
import {
  AGENCY_LEVELS,
  describeIssues,
  formatCount,
  inflow,
  inProgress,
  isoDate,
  levelsOn,
  outflow,
  TWO_TIER_FROM,
  type AgencyLevel,
  type FieldProblem,
} from '@tthc/core';

/**
 * A simulation profile (issue 6, item 5): the figures a half-year (or any period) report must show,
 * from which `tthc simulate` generates dossier lifecycles that reproduce them exactly. Optional
 * figures may be absent; the simulator then chooses plausible values. Example:
 * `test/fixtures/profiles/lam-dong-2024-h1.json`.
 */

/** A custom message only when the field is there: a missing one keeps zod's, which `describeIssues` reads as "is required". */
const whenPresent = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message);

const count = (description: string) =>
  z
    .number({ error: whenPresent('must be a number') })
    .int({ message: 'must be a whole number' })
    .nonnegative({ message: 'must be 0 or more' })
    .describe(description);

const text = (max: number, description: string) =>
  z
    .string({ error: whenPresent('must be a string') })
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .describe(description);

export const inProgressAtEnd = z
  .strictObject({
    notDue: count('Dossiers still in progress at the period end and not yet due'),
    overdue: count('Dossiers still in progress at the period end and past their due date'),
  })
  .describe('Dossiers not resolved at the period end (đang giải quyết)');

/** As a report may give it: split into not due and overdue, or the total alone (the simulator then chooses the split). */
const inProgressAtEndInput = z
  .union([inProgressAtEnd, z.strictObject({ total: count('Dossiers still in progress at the period end, due or not') })], {
    error: 'must be {"notDue": N, "overdue": N} or {"total": N}',
  })
  .describe('Dossiers not resolved at the period end (đang giải quyết): split, or the total alone');

const levelFields = {
  resolved: count('Dossiers resolved in the period (đã giải quyết xong)'),
  resolvedOnTime: count('Of those, resolved early or on time (giải quyết trước và đúng hạn)'),
  resolvedEarly: count('Of those on time, resolved before the due date').optional(),
  received: count('Dossiers received in the period (tiếp nhận trong kỳ)').optional(),
  carriedOver: count('Dossiers received before the period and still open at its start (từ kỳ trước chuyển qua)').optional(),
  withdrawn: count('Received dossiers the applicant withdrew in the period (rút hồ sơ)').optional(),
  handedBack: count('Received dossiers handed back without a result in the period (trả lại hồ sơ)').optional(),
};
const agenciesCount = count('Number of one-stop shops (agencies) at this level, e.g. 19 sở, ban, ngành');

/** The figures of one administrative level (provincial departments, districts or communes), as the simulator takes them. */
export const levelProfile = z
  .strictObject({ agencies: agenciesCount, ...levelFields, inProgressAtEnd: inProgressAtEnd.optional() })
  .describe('Figures of one administrative level');
export type LevelProfile = z.infer<typeof levelProfile>;

const levelProfileInput = z
  .strictObject({ agencies: agenciesCount, ...levelFields, inProgressAtEnd: inProgressAtEndInput.optional() })
  .describe('Figures of one administrative level');
type LevelProfileInput = z.infer<typeof levelProfileInput>;

const totalProfileInput = z
  .strictObject({ agencies: agenciesCount.optional(), ...levelFields, inProgressAtEnd: inProgressAtEndInput.optional() })
  .describe('Whole-province figures, all levels together, with the same fields as a level');

const profileHead = {
  name: text(100, 'Short identifier, e.g. lam-dong-2024-h1'),
  title: text(300, 'Human-readable title, e.g. Lâm Đồng, 6 tháng đầu năm 2024'),
  period: z
    .strictObject({
      from: isoDate.describe('First day of the period (inclusive)'),
      to: isoDate.describe('Last day of the period (inclusive)'),
    })
    .describe('The reporting period, local calendar days'),
};
const profileTail = {
  receivedOnline: count('Dossiers received online in the period, all levels and fields').optional(),
  fullProcessOnline: z
    .strictObject({
      resolved: count('Dossiers of full-process online procedures resolved in the period, whatever the channel'),
      resolvedOnline: count('Of those, the ones submitted online'),
    })
    .optional()
    .describe('Full-process online services (dịch vụ công trực tuyến toàn trình)'),
  onlinePayments: count('Online payment transactions in the period').optional(),
};
const levelsOf = <L extends z.ZodType>(level: L) =>
  z
    .strictObject({
      province: level.optional().describe('Provincial departments (sở, ban, ngành)'),
      district: level.optional().describe('District people’s committees (UBND cấp huyện)'),
      commune: level.optional().describe('Commune people’s committees (UBND cấp xã)'),
    })
    .describe('Figures by administrative level; an absent level has no agencies and no dossiers');

/** A profile as the simulator takes it: figures by level, in-progress figures split (what `loadProfile` makes of a profile file). */
export const simulationProfile = z
  .strictObject({
    ...profileHead,
    levels: levelsOf(levelProfile).refine((levels) => AGENCY_LEVELS.some((level) => levels[level] !== undefined), {
      message: 'must give at least one of province, district, commune',
    }),
    ...profileTail,
  })
  .describe('A simulation profile: the figures the simulated report must reproduce');
export type SimulationProfile = z.infer<typeof simulationProfile>;

/**
 * A profile file: figures by level, or whole-province figures (`total`) without a split by level, or
 * both (the levels must then add up to the total); in-progress figures split or as a total.
 */
export const simulationProfileFile = z
  .strictObject({
    ...profileHead,
    levels: levelsOf(levelProfileInput).optional(),
    total: totalProfileInput.optional(),
    ...profileTail,
  })
  .refine((p) => p.total !== undefined || (p.levels !== undefined && AGENCY_LEVELS.some((level) => p.levels?.[level] !== undefined)), {
    message: 'must give at least one of province, district, commune, or the whole-province figures in total',
    path: ['levels'],
  })
  .describe('A simulation profile file: the figures the simulated report must reproduce');
export type SimulationProfileFile = z.infer<typeof simulationProfileFile>;

export type ProfileLoadResult = { readonly ok: true; readonly profile: SimulationProfile } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * Validates a parsed JSON value as a profile file: its shape, the whole-province figures against the
 * levels', then the rules between its figures; returns the profile as the simulator takes it.
 */
export function loadProfile(value: unknown): ProfileLoadResult {
  const parsed = simulationProfileFile.safeParse(value);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const normalised = byLevel(parsed.data);
  if (!normalised.ok) return normalised;
  const problems = profileProblems(normalised.profile);
  if (problems.length > 0) return { ok: false, problems };
  return normalised;
}

/** Share of dossiers in progress at the end that are overdue when a profile gives the total alone: twice the level's late share, within 5–30%. */
export function overdueShare(f: { readonly resolved: number; readonly resolvedOnTime: number }): number {
  const lateShare = f.resolved > 0 ? (f.resolved - f.resolvedOnTime) / f.resolved : 0;
  return Math.min(0.3, Math.max(0.05, 2 * lateShare));
}

type InProgressInput = NonNullable<LevelProfileInput['inProgressAtEnd']>;
const inProgressTotal = (x: InProgressInput): number => ('total' in x ? x.total : inProgress(x));
/** The in-progress figure split as the simulator takes it: given, or chosen from the total. */
function splitInProgress(x: InProgressInput, f: { readonly resolved: number; readonly resolvedOnTime: number }): LevelProfile['inProgressAtEnd'] {
  if (!('total' in x)) return x;
  const overdue = Math.round(x.total * overdueShare(f));
  return { notDue: x.total - overdue, overdue };
}

const SUMMED = ['resolved', 'resolvedOnTime', 'resolvedEarly', 'received', 'carriedOver', 'withdrawn', 'handedBack'] as const;

/**
 * The profile by level: whole-province figures alone become the province level's (one agency unless
 * `total.agencies` says more); with levels, each figure `total` gives must be their sum, and where
 * some levels leave it out, what the others leave of it is shared among those, by their resolved
 * dossiers. In-progress totals are split into not due and overdue.
 */
function byLevel(file: SimulationProfileFile): ProfileLoadResult {
  const { total, levels: given, ...rest } = file;
  const problems: FieldProblem[] = [];
  const levels: Partial<Record<AgencyLevel, LevelProfileInput>> = {};
  for (const level of AGENCY_LEVELS) {
    const f = given?.[level];
    if (f) levels[level] = { ...f };
  }
  const present = AGENCY_LEVELS.filter((l) => levels[l] !== undefined);
  if (total && present.length === 0) levels.province = { ...total, agencies: total.agencies ?? 1 };
  else if (total) {
    const sumOf = (get: (f: LevelProfileInput) => number | undefined, field: string, want: number | undefined) => {
      if (want === undefined) return;
      const known = present.filter((l) => get(levels[l] as LevelProfileInput) !== undefined);
      const missing = present.filter((l) => get(levels[l] as LevelProfileInput) === undefined);
      const parts = known.map((l) => ({ level: l, value: get(levels[l] as LevelProfileInput) ?? 0 }));
      const sum = parts.reduce((a, p) => a + p.value, 0);
      const terms = parts.length > 0 ? parts.map((p) => `${p.level} ${n(p.value)}`).join(' + ') : 'none';
      if (missing.length === 0 && sum !== want)
        problems.push({ field: `total.${field}`, rule: `must equal the levels' sum: ${terms} = ${n(sum)} ≠ ${n(want)}` });
      else if (sum > want) problems.push({ field: `total.${field}`, rule: `must be at least the levels' sum: ${terms} = ${n(sum)} > ${n(want)}` });
      return { missing, left: want - sum };
    };
    if (total.agencies !== undefined) sumOf((f) => f.agencies, 'agencies', total.agencies);
    for (const field of SUMMED) {
      const shared = sumOf((f) => f[field], field, total[field]);
      if (!shared || shared.missing.length === 0 || shared.left < 0) continue;
      const parts = apportionByResolved(
        shared.left,
        shared.missing.map((l) => (levels[l] as LevelProfileInput).resolved),
      );
      shared.missing.forEach((l, i) => ((levels[l] as LevelProfileInput)[field] = parts[i] ?? 0));
    }
    const wantInProgress = total.inProgressAtEnd && inProgressTotal(total.inProgressAtEnd);
    const shared = sumOf((f) => f.inProgressAtEnd && inProgressTotal(f.inProgressAtEnd), 'inProgressAtEnd', wantInProgress);
    if (shared && shared.missing.length > 0 && shared.left >= 0) {
      const parts = apportionByResolved(
        shared.left,
        shared.missing.map((l) => (levels[l] as LevelProfileInput).resolved),
      );
      shared.missing.forEach((l, i) => ((levels[l] as LevelProfileInput).inProgressAtEnd = { total: parts[i] ?? 0 }));
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const split = Object.fromEntries(
    Object.entries(levels).map(([l, f]) => [l, { ...f, ...(f.inProgressAtEnd ? { inProgressAtEnd: splitInProgress(f.inProgressAtEnd, f) } : {}) }]),
  ) as SimulationProfile['levels'];
  return { ok: true, profile: { ...rest, levels: split } };
}

/** `amount` in whole dossiers, in proportion to `resolved` (+1, so that a level with none still takes its share). */
const apportionByResolved = (amount: number, resolved: readonly number[]): number[] =>
  apportion(
    amount,
    resolved.map((r) => r + 1),
  );

const n = formatCount;

/** The levels a profile gives, in report order. */
export function profileLevels(profile: SimulationProfile): [AgencyLevel, LevelProfile][] {
  return AGENCY_LEVELS.flatMap((level): [AgencyLevel, LevelProfile][] => {
    const figures = profile.levels[level];
    return figures ? [[level, figures]] : [];
  });
}

/** Rules between figures that the schema cannot express; every imbalance is named with its numbers. */
export function profileProblems(profile: SimulationProfile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { from, to } = profile.period;
  if (from > to) problems.push({ field: 'period.to', rule: `must not be before period.from: from ${from} is after to ${to}` });

  const levels = profileLevels(profile);
  for (const [level, figures] of levels) problems.push(...levelProblems(`levels.${level}`, figures));
  for (const [level] of levels.filter(([l]) => !levelsOn(from).includes(l))) {
    problems.push({
      field: `levels.${level}`,
      rule: `must not be given for a period from ${TWO_TIER_FROM} on (from ${from}): the ${level} level was abolished on ${TWO_TIER_FROM}; give its dossiers under the province or the communes`,
    });
  }

  const fpo = profile.fullProcessOnline;
  if (fpo) {
    if (fpo.resolvedOnline > fpo.resolved) {
      problems.push({
        field: 'fullProcessOnline.resolvedOnline',
        rule: `must be at most fullProcessOnline.resolved: resolvedOnline ${n(fpo.resolvedOnline)} > resolved ${n(fpo.resolved)}`,
      });
    }
    const resolved = levels.map(([level, figures]) => ({ level, value: figures.resolved }));
    const total = sum(resolved.map((r) => r.value));
    if (fpo.resolved > total) {
      problems.push({
        field: 'fullProcessOnline.resolved',
        rule: `must be at most the dossiers resolved at all levels: ${n(fpo.resolved)} > ${terms(resolved)}`,
      });
    }
  }

  if (profile.receivedOnline !== undefined) {
    const received = levels.map(([level, figures]) => ({ level, value: figures.received }));
    if (received.every((r): r is { level: AgencyLevel; value: number } => r.value !== undefined)) {
      const total = sum(received.map((r) => r.value));
      if (profile.receivedOnline > total) {
        problems.push({
          field: 'receivedOnline',
          rule: `must be at most the dossiers received at all levels: ${n(profile.receivedOnline)} > ${terms(received)}`,
        });
      }
    }
  }
  return problems;
}

function levelProblems(path: string, f: LevelProfile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (f.resolvedOnTime > f.resolved) {
    problems.push({
      field: `${path}.resolvedOnTime`,
      rule: `must be at most resolved: resolvedOnTime ${n(f.resolvedOnTime)} > resolved ${n(f.resolved)}`,
    });
  }
  if (f.resolvedEarly !== undefined && f.resolvedEarly > f.resolvedOnTime) {
    problems.push({
      field: `${path}.resolvedEarly`,
      rule: `must be at most resolvedOnTime (early counts within on time): resolvedEarly ${n(f.resolvedEarly)} > resolvedOnTime ${n(f.resolvedOnTime)}`,
    });
  }
  if (f.agencies === 0 && (f.resolved > 0 || (f.received ?? 0) > 0 || (f.carriedOver ?? 0) > 0)) {
    problems.push({ field: `${path}.agencies`, rule: 'must be more than 0 when the level has dossiers' });
  }

  // The report's balance (core's report/balance.ts), checked as far as the given figures go.
  if (f.carriedOver === undefined || f.received === undefined) return problems;
  const cameIn = inflow({ carriedOver: f.carriedOver, received: f.received });
  const stillIn = f.inProgressAtEnd && inProgress(f.inProgressAtEnd);
  const outTerms: [string, number | undefined][] = [
    ['resolved', f.resolved],
    ['in progress', stillIn],
    ['withdrawn', f.withdrawn],
    ['handed back', f.handedBack],
  ];
  const given = outTerms.filter((t): t is [string, number] => t[1] !== undefined);
  // A missing figure counts 0 here: the given ones' sum.
  const wentOut = outflow({ resolved: f.resolved, inProgress: stillIn ?? 0, withdrawn: f.withdrawn ?? 0, handedBack: f.handedBack ?? 0 });
  const inText = `carriedOver ${n(f.carriedOver)} + received ${n(f.received)} = ${n(cameIn)}`;
  const outText = `${given.map(([label, value]) => `${label} ${n(value)}`).join(' + ')} = ${n(wentOut)}`;
  if (given.length === outTerms.length) {
    if (cameIn !== wentOut) {
      problems.push({ field: path, rule: `does not balance: ${inText}, but ${outText} (${n(cameIn)} ≠ ${n(wentOut)})` });
    }
  } else if (wentOut > cameIn) {
    // The missing figures are 0 or more, so the given ones already exceed what came in.
    problems.push({ field: path, rule: `cannot balance: ${inText}, but ${outText} already exceeds it (${n(wentOut)} > ${n(cameIn)})` });
  }
  return problems;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** "province 1 + district 2 = 3"; a single level is just "province 1". */
function terms(parts: readonly { level: AgencyLevel; value: number | undefined }[]): string {
  const listed = parts.map((p) => `${p.level} ${n(p.value ?? 0)}`).join(' + ');
  return parts.length > 1 ? `${listed} = ${n(sum(parts.map((p) => p.value ?? 0)))}` : listed;
}
