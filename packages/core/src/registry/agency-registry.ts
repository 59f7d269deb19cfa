import { describeIssues, type FieldProblem } from '../events/validation';
import {
  AGENCY_LEVELS,
  agencyRegistryFile,
  type AgencyLevel,
  type AgencyRecord,
  type AgencyRegistryFile,
  type PublishingSystem,
  type SystemAuthorisation,
} from './agency-registry-file';

/**
 * Effective-dated agencies and the systems allowed to publish for them. Every `day` is a calendar
 * date `YYYY-MM-DD` in Asia/Ho_Chi_Minh (see `localDay`); a malformed day throws a RangeError.
 */
export interface AgencyRegistry {
  /** The record of `code` valid on `day`, or undefined if the agency did not exist that day. */
  agencyOn(code: string, day: string): AgencyRecord | undefined;
  /** The level of `code` on `day`, or undefined if the agency did not exist that day. */
  levelOf(code: string, day: string): AgencyLevel | undefined;
  /**
   * The agency that stands for `code` on `day`: its own record if valid that day, otherwise the
   * record reached by following successors forward from the record that ended before `day`.
   * Undefined if `code` is unknown, did not yet exist on `day`, or ended without a successor.
   * Used to re-cut history by the map of a later day.
   */
  resolve(code: string, day: string): AgencyRecord | undefined;
  /**
   * The agencies that handle, on `day`, the work of `code`: `code` itself when it exists that day;
   * else, when it ended before `day`, the agencies in force that day that took its work over,
   * following `successors` (or `successor`) forward, the re-cutting successor first. Empty when the
   * agency is unknown, did not yet exist, or its work went to no agency in force on `day`.
   * Ingest checks the later events of a dossier whose agency ended against these.
   */
  handlersOn(code: string, day: string): readonly AgencyRecord[];
  /**
   * Whether the system `source` is authorised to publish events for `agencyCode`: on `day` when
   * given (its dated authorisations count only between their days), else on some day.
   */
  mayPublish(source: string, agencyCode: string, day?: string): boolean;
  /** Records, sorted by code then validFrom; optionally only one level and/or only those valid on `day`. */
  agencies(level?: AgencyLevel, day?: string): readonly AgencyRecord[];
  /** Number of agencies of each level valid on `day`. */
  countByLevel(day: string): Readonly<Record<AgencyLevel, number>>;
  /** The registry in its file form (a fresh copy, in the order it was loaded). */
  toJSON(): AgencyRegistryFile;
}

export type AgencyRegistryLoadResult = { readonly ok: true; readonly registry: AgencyRegistry } | { readonly ok: false; readonly problems: FieldProblem[] };

/**
 * Validates a parsed registry file (see `agencyRegistryFile` for the format) and builds the registry.
 * First the shape is checked (every schema problem is reported); if the shape is valid, every
 * cross-reference rule is checked and every problem reported, each naming its field path.
 */
export function loadAgencyRegistry(value: unknown): AgencyRegistryLoadResult {
  const parsed = agencyRegistryFile.safeParse(value);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const problems = crossReferenceProblems(parsed.data);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, registry: new InMemoryAgencyRegistry(parsed.data) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function requireDay(day: string): void {
  if (!DAY.test(day)) throw new RangeError(`not a calendar day YYYY-MM-DD: ${day}`);
}

const DAY_MS = 86_400_000;

/** The calendar day after `day` (plain date arithmetic: UTC has no daylight saving). */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

const validOn = (record: AgencyRecord, day: string): boolean => record.validFrom <= day && (record.validTo === null || day <= record.validTo);

const rangeIsSane = (record: AgencyRecord): boolean => record.validTo === null || record.validFrom <= record.validTo;

const overlaps = (a: AgencyRecord, b: AgencyRecord): boolean =>
  (a.validTo === null || b.validFrom <= a.validTo) && (b.validTo === null || a.validFrom <= b.validTo);

/** Whether the union of `records` covers every day from `from` to `to` (null = open-ended). */
function covers(records: readonly AgencyRecord[], from: string, to: string | null): boolean {
  const sorted = records.filter(rangeIsSane).sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  let cursor = from;
  for (const record of sorted) {
    if (record.validTo !== null && record.validTo < cursor) continue;
    if (record.validFrom > cursor) return false;
    if (record.validTo === null) return true;
    cursor = dayAfter(record.validTo);
    if (to !== null && cursor > to) return true;
  }
  return false;
}

/** Parent levels each level accepts: province → province; district → province; commune → district or province. */
const ALLOWED_PARENT_LEVELS: Readonly<Record<AgencyLevel, readonly AgencyLevel[]>> = {
  province: ['province'],
  district: ['province'],
  commune: ['district', 'province'],
};

const PARENT_LEVEL_RULE: Readonly<Record<AgencyLevel, string>> = {
  province: 'parent of a province-level agency must be province level',
  district: 'parent of a district must be province level',
  commune: 'parent of a commune must be a district or province level',
};

interface Indexed {
  readonly index: number;
  readonly record: AgencyRecord;
}

function crossReferenceProblems(file: AgencyRegistryFile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byCode = new Map<string, Indexed[]>();
  file.agencies.forEach((record, index) => {
    const list = byCode.get(record.code);
    if (list) list.push({ index, record });
    else byCode.set(record.code, [{ index, record }]);
  });
  const recordsOf = (code: string): AgencyRecord[] | undefined => byCode.get(code)?.map((e) => e.record);

  file.agencies.forEach((record, i) => {
    const field = (name: string): string => `agencies.${i}.${name}`;
    const sane = rangeIsSane(record);
    if (!sane) problems.push({ field: field('validTo'), rule: 'validTo must not be before validFrom' });

    for (const other of byCode.get(record.code) ?? []) {
      if (other.index >= i) break;
      if (sane && rangeIsSane(other.record) && overlaps(record, other.record)) {
        problems.push({ field: field('validFrom'), rule: `validity overlaps agencies.${other.index} with the same code` });
      }
    }

    if (record.parent === null) {
      if (record.level !== 'province') problems.push({ field: field('parent'), rule: 'parent is required for district and commune agencies' });
    } else if (record.parent === record.code) {
      problems.push({ field: field('parent'), rule: 'parent must not be the agency itself' });
    } else {
      const parents = recordsOf(record.parent);
      if (parents === undefined) {
        problems.push({ field: field('parent'), rule: 'must name an agency in the registry' });
      } else if (sane) {
        if (!covers(parents, record.validFrom, record.validTo)) {
          problems.push({ field: field('parent'), rule: "parent must be valid throughout this agency's validity" });
        }
        const allowed = ALLOWED_PARENT_LEVELS[record.level];
        if (parents.some((p) => overlaps(p, record) && !allowed.includes(p.level))) {
          problems.push({ field: field('parent'), rule: PARENT_LEVEL_RULE[record.level] });
        }
      }
    }

    if (record.successors !== undefined) {
      if (record.successor === null || !record.successors.includes(record.successor)) {
        problems.push({ field: field('successors'), rule: 'must include successor, the agency history is re-cut under' });
      }
      const seen = new Map<string, number>();
      record.successors.forEach((code, k) => {
        const earlier = seen.get(code);
        if (earlier !== undefined) problems.push({ field: field(`successors.${k}`), rule: `duplicates successors.${earlier}` });
        seen.set(code, k);
        if (code === record.successor || record.validTo === null) return;
        const successors = recordsOf(code);
        if (successors === undefined) problems.push({ field: field(`successors.${k}`), rule: 'must name an agency in the registry' });
        else if (sane && !successors.some((r) => validOn(r, dayAfter(record.validTo ?? '')))) {
          problems.push({ field: field(`successors.${k}`), rule: `must be valid the day after validTo (${dayAfter(record.validTo)})` });
        }
      });
    }

    if (record.successor !== null) {
      if (record.validTo === null) {
        problems.push({ field: field('successor'), rule: 'successor requires validTo' });
      } else {
        const successors = recordsOf(record.successor);
        if (successors === undefined) {
          problems.push({ field: field('successor'), rule: 'must name an agency in the registry' });
        } else if (sane) {
          const next = dayAfter(record.validTo);
          if (!successors.some((s) => validOn(s, next))) {
            problems.push({ field: field('successor'), rule: `successor must be valid the day after validTo (${next})` });
          }
        }
      }
    }
  });

  const firstBySource = new Map<string, number>();
  file.systems.forEach((system, i) => {
    const first = firstBySource.get(system.source);
    if (first === undefined) firstBySource.set(system.source, i);
    else problems.push({ field: `systems.${i}.source`, rule: `duplicates systems.${first}.source` });

    const seen = new Map<string, number>();
    system.agencies.forEach((code, k) => {
      const field = `systems.${i}.agencies.${k}`;
      if (!byCode.has(code)) problems.push({ field, rule: 'must name an agency in the registry' });
      const earlier = seen.get(code);
      if (earlier === undefined) seen.set(code, k);
      else problems.push({ field, rule: `duplicates systems.${i}.agencies.${earlier}` });
    });
    const dated = new Map<string, { index: number; record: AgencyRecord }[]>();
    (system.authorisations ?? []).forEach((a, k) => {
      const field = (name: string) => `systems.${i}.authorisations.${k}.${name}`;
      if (!byCode.has(a.code)) problems.push({ field: field('code'), rule: 'must name an agency in the registry' });
      const undated = seen.get(a.code);
      if (undated !== undefined) problems.push({ field: field('code'), rule: `is in systems.${i}.agencies.${undated} already, authorised on every day` });
      // Ranges are checked as agency records are: sane and not overlapping for the same code.
      const asRange = { ...a, name: a.code, level: 'province', parent: null, successor: null } as const;
      if (!rangeIsSane(asRange)) problems.push({ field: field('validTo'), rule: 'validTo must not be before validFrom' });
      const others = dated.get(a.code) ?? [];
      const clash = others.find((o) => rangeIsSane(o.record) && rangeIsSane(asRange) && overlaps(o.record, asRange));
      if (clash) problems.push({ field: field('validFrom'), rule: `overlaps systems.${i}.authorisations.${clash.index} for the same agency` });
      dated.set(a.code, [...others, { index: k, record: asRange }]);
    });
  });

  return problems;
}

/** The latest record that ended before `day`: the one that hands its work over to its successors. */
function latestEndedBefore(records: readonly AgencyRecord[], day: string): AgencyRecord | undefined {
  let ended: AgencyRecord | undefined;
  for (const r of records) if (r.validTo !== null && r.validTo < day && (ended?.validTo ?? '') < r.validTo) ended = r;
  return ended;
}

class InMemoryAgencyRegistry implements AgencyRegistry {
  readonly #records: readonly AgencyRecord[];
  readonly #sorted: readonly AgencyRecord[];
  readonly #systems: readonly PublishingSystem[];
  readonly #byCode = new Map<string, AgencyRecord[]>();
  readonly #bySource = new Map<string, ReadonlySet<string>>();
  readonly #datedBySource = new Map<string, ReadonlyMap<string, readonly SystemAuthorisation[]>>();

  constructor(file: AgencyRegistryFile) {
    this.#records = file.agencies.map((r) => Object.freeze({ ...r }));
    this.#systems = file.systems.map((s) => Object.freeze({ ...s, agencies: Object.freeze([...s.agencies]) }));
    for (const record of this.#records) {
      const list = this.#byCode.get(record.code);
      if (list) list.push(record);
      else this.#byCode.set(record.code, [record]);
    }
    for (const system of this.#systems) {
      this.#bySource.set(system.source, new Set(system.agencies));
      const dated = new Map<string, SystemAuthorisation[]>();
      for (const a of system.authorisations ?? []) dated.set(a.code, [...(dated.get(a.code) ?? []), a]);
      this.#datedBySource.set(system.source, dated);
    }
    this.#sorted = [...this.#records].sort((a, b) =>
      a.code !== b.code ? (a.code < b.code ? -1 : 1) : a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0,
    );
  }

  agencyOn(code: string, day: string): AgencyRecord | undefined {
    requireDay(day);
    return this.#byCode.get(code)?.find((r) => validOn(r, day));
  }

  levelOf(code: string, day: string): AgencyLevel | undefined {
    return this.agencyOn(code, day)?.level;
  }

  resolve(code: string, day: string): AgencyRecord | undefined {
    requireDay(day);
    let current = code;
    // A loaded registry cannot cycle (a successor is valid after its predecessor ends, so every hop
    // moves forward in time), but a chain may revisit a code; bound the hops rather than the codes.
    for (let hops = 0; hops <= this.#records.length; hops += 1) {
      const records = this.#byCode.get(current);
      if (records === undefined) return undefined;
      const valid = records.find((r) => validOn(r, day));
      if (valid) return valid;
      const ended = latestEndedBefore(records, day);
      if (ended === undefined || ended.successor === null) return undefined;
      current = ended.successor;
    }
    return undefined;
  }

  handlersOn(code: string, day: string): readonly AgencyRecord[] {
    requireDay(day);
    const found: AgencyRecord[] = [];
    const visited = new Set<string>();
    // Breadth-first from `code`, the re-cutting successor before the others at each hop; a loaded
    // registry's hops move forward in time, and `visited` bounds a chain that revisits a code.
    const queue = [code];
    while (queue.length > 0) {
      const current = queue.shift() ?? '';
      if (visited.has(current)) continue;
      visited.add(current);
      const records = this.#byCode.get(current);
      if (records === undefined) continue;
      const valid = records.find((r) => validOn(r, day));
      if (valid) {
        if (!found.includes(valid)) found.push(valid);
        continue;
      }
      const ended = latestEndedBefore(records, day);
      if (ended === undefined || ended.successor === null) continue;
      queue.push(ended.successor, ...(ended.successors ?? []).filter((c) => c !== ended.successor));
    }
    return found;
  }

  mayPublish(source: string, agencyCode: string, day?: string): boolean {
    if (this.#bySource.get(source)?.has(agencyCode)) return true;
    const dated = this.#datedBySource.get(source)?.get(agencyCode);
    if (dated === undefined) return false;
    if (day === undefined) return true;
    requireDay(day);
    return dated.some((a) => a.validFrom <= day && (a.validTo === null || day <= a.validTo));
  }

  agencies(level?: AgencyLevel, day?: string): readonly AgencyRecord[] {
    if (day !== undefined) requireDay(day);
    return this.#sorted.filter((r) => (level === undefined || r.level === level) && (day === undefined || validOn(r, day)));
  }

  countByLevel(day: string): Readonly<Record<AgencyLevel, number>> {
    requireDay(day);
    const counts = Object.fromEntries(AGENCY_LEVELS.map((level) => [level, 0])) as Record<AgencyLevel, number>;
    for (const record of this.#records) if (validOn(record, day)) counts[record.level] += 1;
    return counts;
  }

  toJSON(): AgencyRegistryFile {
    return {
      agencies: this.#records.map((r) => ({ ...r })),
      systems: this.#systems.map((s) => ({
        source: s.source,
        name: s.name,
        agencies: [...s.agencies],
        ...(s.authorisations !== undefined ? { authorisations: s.authorisations.map((a) => ({ ...a })) } : {}),
      })),
    };
  }
}
