import { addDays, type AgencyRecord, type AgencyRegistryFile } from '@tthc/core';

/** The new province's code in agency codes after the merger (the merged Lâm Đồng's, as in test/fixtures/registry/lam-dong-merger-2025.json). */
export const MERGED_PROVINCE = 'T68';

/** How many old communes become one new commune. */
const COMMUNES_PER_NEW_COMMUNE = 2;

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const newCommuneCode = (number: number) => `${pad(Math.floor(number / 100), 3)}.20.${pad(number % 100, 2)}.${MERGED_PROVINCE}`;
/** A province-level agency keeps its number under the new province's code. */
const newProvinceCode = (code: string) => code.replace(/\.[A-Z]\d{2}$/, `.${MERGED_PROVINCE}`);

/**
 * The registry version that re-organises a simulated province on `on`, as on 1 Jul 2025: every agency
 * of `before` ends the day before; the province-level agencies go on under new codes; the districts
 * are abolished; the communes merge, `COMMUNES_PER_NEW_COMMUNE` of a district into one new commune
 * directly under the province. A district's work goes to the new communes made of its communes: all
 * in `successors`, the first its `successor` (under which its history is re-cut). The one system of
 * `before` is authorised for the old agencies until the day before and for the new ones from `on`.
 */
export function mergerRegistry(before: AgencyRegistryFile, on: string): AgencyRegistryFile {
  const lastDay = addDays(on, -1);
  const successorOf = new Map<string, string>();
  const successorsOf = new Map<string, string[]>();
  const created: AgencyRecord[] = [];
  const provinceLevel = before.agencies.filter((a) => a.level === 'province');
  const root = provinceLevel.find((a) => a.parent === null);
  if (root === undefined) throw new Error('the registry to re-organise has no province-level root');
  const newRoot = newProvinceCode(root.code);
  for (const a of provinceLevel) {
    const code = newProvinceCode(a.code);
    successorOf.set(a.code, code);
    created.push({
      ...a,
      code,
      name: a.name.replace(' (mô phỏng)', ' (mô phỏng, từ 1/7/2025)'),
      parent: a.parent === null ? null : newRoot,
      validFrom: on,
      validTo: null,
      successor: null,
    });
  }
  let number = 0;
  const newCommune = () => {
    number += 1;
    const code = newCommuneCode(number);
    created.push({
      code,
      name: `UBND xã số ${pad(number, 3)} (mô phỏng, từ 1/7/2025)`,
      level: 'commune',
      parent: newRoot,
      validFrom: on,
      validTo: null,
      successor: null,
    });
    return code;
  };
  // Communes merge within their parent (a district, or the province), in registry order.
  const parents = [...new Set(before.agencies.filter((a) => a.level === 'commune').map((a) => a.parent ?? ''))];
  for (const parent of parents) {
    const communes = before.agencies.filter((a) => a.level === 'commune' && (a.parent ?? '') === parent);
    const made: string[] = [];
    communes.forEach((c, i) => {
      if (i % COMMUNES_PER_NEW_COMMUNE === 0) made.push(newCommune());
      successorOf.set(c.code, made[made.length - 1] ?? '');
    });
    if (made.length > 0) successorsOf.set(parent, made);
  }
  for (const d of before.agencies.filter((a) => a.level === 'district')) {
    // A district with no communes of its own hands its work to one new commune.
    const made = successorsOf.get(d.code) ?? [newCommune()];
    successorsOf.set(d.code, made);
    successorOf.set(d.code, made[0] ?? '');
  }
  const ended: AgencyRecord[] = before.agencies.map((a) => {
    const successors = a.level === 'district' ? (successorsOf.get(a.code) ?? []) : [];
    return {
      ...a,
      validTo: lastDay,
      successor: successorOf.get(a.code) ?? null,
      ...(successors.length >= 2 ? { successors } : {}),
    };
  });
  const authorise = (codes: readonly AgencyRecord[], validFrom: (a: AgencyRecord) => string, validTo: string | null) =>
    codes.map((a) => ({ code: a.code, validFrom: validFrom(a), validTo }));
  return {
    agencies: [...ended, ...created],
    systems: before.systems.map((s) => ({
      source: s.source,
      name: s.name,
      agencies: [],
      authorisations: [...authorise(ended, (a) => a.validFrom, lastDay), ...authorise(created, () => on, null)],
    })),
  };
}
