import { z } from 'zod';
import { AGENCY_LEVELS, describeIssues, formatCount, inflow, inProgress, isoDate, outflow, type AgencyLevel, type FieldProblem } from '@tthc/core';

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

/** The figures of one administrative level (provincial departments, districts or communes). */
export const levelProfile = z
  .strictObject({
    agencies: count('Number of one-stop shops (agencies) at this level, e.g. 19 sở, ban, ngành'),
    resolved: count('Dossiers resolved in the period (đã giải quyết xong)'),
    resolvedOnTime: count('Of those, resolved early or on time (giải quyết trước và đúng hạn)'),
    resolvedEarly: count('Of those on time, resolved before the due date').optional(),
    received: count('Dossiers received in the period (tiếp nhận trong kỳ)').optional(),
    carriedOver: count('Dossiers received before the period and still open at its start (từ kỳ trước chuyển qua)').optional(),
    inProgressAtEnd: inProgressAtEnd.optional(),
    withdrawn: count('Received dossiers the applicant withdrew in the period (rút hồ sơ)').optional(),
    handedBack: count('Received dossiers handed back without a result in the period (trả lại hồ sơ)').optional(),
  })
  .describe('Figures of one administrative level');
export type LevelProfile = z.infer<typeof levelProfile>;

export const simulationProfile = z
  .strictObject({
    name: text(100, 'Short identifier, e.g. lam-dong-2024-h1'),
    title: text(300, 'Human-readable title, e.g. Lâm Đồng, 6 tháng đầu năm 2024'),
    period: z
      .strictObject({
        from: isoDate.describe('First day of the period (inclusive)'),
        to: isoDate.describe('Last day of the period (inclusive)'),
      })
      .describe('The reporting period, local calendar days'),
    levels: z
      .strictObject({
        province: levelProfile.optional().describe('Provincial departments (sở, ban, ngành)'),
        district: levelProfile.optional().describe('District people’s committees (UBND cấp huyện)'),
        commune: levelProfile.optional().describe('Commune people’s committees (UBND cấp xã)'),
      })
      .refine((levels) => AGENCY_LEVELS.some((level) => levels[level] !== undefined), {
        message: 'must give at least one of province, district, commune',
      })
      .describe('Figures by administrative level; an absent level has no agencies and no dossiers'),
    receivedOnline: count('Dossiers received online in the period, all levels and fields').optional(),
    fullProcessOnline: z
      .strictObject({
        resolved: count('Dossiers of full-process online procedures resolved in the period, whatever the channel'),
        resolvedOnline: count('Of those, the ones submitted online'),
      })
      .optional()
      .describe('Full-process online services (dịch vụ công trực tuyến toàn trình)'),
    onlinePayments: count('Online payment transactions in the period').optional(),
  })
  .describe('A simulation profile: the figures the simulated report must reproduce');
export type SimulationProfile = z.infer<typeof simulationProfile>;

export type ProfileLoadResult = { readonly ok: true; readonly profile: SimulationProfile } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** Validates a parsed JSON value as a profile: its shape, then the rules between its figures. */
export function loadProfile(value: unknown): ProfileLoadResult {
  const parsed = simulationProfile.safeParse(value);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const problems = profileProblems(parsed.data);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, profile: parsed.data };
}

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
