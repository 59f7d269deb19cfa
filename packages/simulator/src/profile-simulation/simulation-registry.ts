import { AGENCY_LEVELS, TWO_TIER_FROM, type AgencyLevel, type AgencyRecord, type AgencyRegistryFile } from '@tthc/core';
import { MERGED_PROVINCE } from '../reorganisation/merger-registry';

/** The publishing system of simulated events unless the caller names another. */
export const SIMULATION_SOURCE = 'urn:tthc:simulated-motcua';

/** The province code in agency and dossier codes of a period before 1 Jul 2025 (Lâm Đồng's, as in the demo). */
export const SIMULATION_PROVINCE = 'H36';

const OLD_MAP_DEPARTMENTS = [
  'Sở Tư pháp',
  'Sở Kế hoạch và Đầu tư',
  'Sở Tài nguyên và Môi trường',
  'Sở Xây dựng',
  'Sở Giao thông vận tải',
  'Sở Công Thương',
  'Sở Nông nghiệp và Phát triển nông thôn',
  'Sở Y tế',
  'Sở Giáo dục và Đào tạo',
  'Sở Lao động - Thương binh và Xã hội',
  'Sở Tài chính',
  'Sở Nội vụ',
  'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Thông tin và Truyền thông',
  'Sở Khoa học và Công nghệ',
  'Sở Ngoại vụ',
  'Ban Quản lý các khu công nghiệp',
  'Ban Dân tộc',
  'Thanh tra tỉnh',
];

/** The departments after the 2025 restructuring of provincial departments (Decree 45/2025/NĐ-CP), as the merged Lâm Đồng has them. */
const NEW_MAP_DEPARTMENTS = [
  'Sở Tư pháp',
  'Sở Tài chính',
  'Sở Nội vụ',
  'Sở Xây dựng',
  'Sở Công Thương',
  'Sở Nông nghiệp và Môi trường',
  'Sở Y tế',
  'Sở Giáo dục và Đào tạo',
  'Sở Văn hóa, Thể thao và Du lịch',
  'Sở Khoa học và Công nghệ',
  'Sở Dân tộc và Tôn giáo',
  'Sở Ngoại vụ',
  'Thanh tra tỉnh',
  'Văn phòng UBND tỉnh',
  'Ban Quản lý các khu công nghiệp',
];

/**
 * The map a simulation's agencies are on, by its period's first day: the old Lâm Đồng's codes
 * (`H36`) and departments before 1 Jul 2025, the merged province's (`T68`, as in
 * test/fixtures/registry/lam-dong-merger-2025.json) from that day.
 */
export function simulationMap(periodFrom: string): { readonly province: string; readonly departments: readonly string[] } {
  return periodFrom >= TWO_TIER_FROM
    ? { province: MERGED_PROVINCE, departments: NEW_MAP_DEPARTMENTS }
    : { province: SIMULATION_PROVINCE, departments: OLD_MAP_DEPARTMENTS };
}

/** The simulated agencies, by index: codes, levels, and each level's indices. */
export interface SimulationAgencies {
  readonly codes: readonly string[];
  readonly levels: readonly AgencyLevel[];
  readonly parents: readonly number[];
  readonly byLevel: Readonly<Record<AgencyLevel, readonly number[]>>;
  /** The provincial people's committee (province level): the registry's root. */
  readonly root: number;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `NNN.LL.MM.H36`: the level in the middle group (00 province, 10 district, 20 commune), the number around it, the province last. */
function agencyCode(level: AgencyLevel, number: number, province: string): string {
  const group = level === 'province' ? '00' : level === 'district' ? '10' : '20';
  return `${pad(Math.floor(number / 100), 3)}.${group}.${pad(number % 100, 2)}.${province}`;
}

/**
 * The registry of a simulated profile, on the map of its period's first day (`simulationMap`): per
 * level exactly the profile's number of agencies, valid from well before the period (a profile is of
 * one map: its carried-over dossiers were received by the same agencies) and still valid, and one
 * system that may publish for all of them.
 * The provincial people's committee (UBND tỉnh, `000.00.00.H36`) is the root: it is province level,
 * so it is one of the province's agencies (it resolves dossiers like the departments); districts
 * hang under it, communes under the districts (or under it when there are none).
 */
export function simulationRegistry(
  agencyCounts: Readonly<Record<AgencyLevel, number>>,
  periodFrom: string,
  source: string,
): { file: AgencyRegistryFile; agencies: SimulationAgencies } {
  const codes: string[] = [];
  const levels: AgencyLevel[] = [];
  const parents: number[] = [];
  const names: string[] = [];
  const byLevel: Record<AgencyLevel, number[]> = { province: [], district: [], commune: [] };
  const map = simulationMap(periodFrom);
  const add = (level: AgencyLevel, number: number, name: string, parent: number) => {
    byLevel[level].push(codes.length);
    codes.push(agencyCode(level, number, map.province));
    levels.push(level);
    parents.push(parent);
    names.push(name);
  };
  const root = 0;
  for (let i = 0; i < agencyCounts.province; i += 1) {
    const name = i === 0 ? 'UBND tỉnh' : (map.departments[i - 1] ?? `Cơ quan cấp tỉnh số ${pad(i, 2)}`);
    add('province', i, `${name} (mô phỏng)`, i === 0 ? -1 : root);
  }
  for (let i = 1; i <= agencyCounts.district; i += 1) add('district', i, `UBND cấp huyện số ${pad(i, 2)} (mô phỏng)`, root);
  const districts = byLevel.district;
  for (let i = 1; i <= agencyCounts.commune; i += 1) {
    const parent = districts.length > 0 ? (districts[(i - 1) % districts.length] ?? root) : root;
    add('commune', i, `UBND cấp xã số ${pad(i, 3)} (mô phỏng)`, parent);
  }
  const validFrom = `${Number(periodFrom.slice(0, 4)) - 5}-01-01`;
  const agencies: AgencyRecord[] = codes.map((code, i) => ({
    code,
    name: names[i] ?? code,
    level: levels[i] ?? 'province',
    parent: (parents[i] ?? -1) >= 0 ? (codes[parents[i] ?? 0] ?? null) : null,
    validFrom,
    validTo: null,
    successor: null,
  }));
  return {
    file: { agencies, systems: [{ source, name: 'Hệ thống thông tin giải quyết TTHC (mô phỏng)', agencies: [...codes] }] },
    agencies: { codes, levels, parents, byLevel, root },
  };
}

/**
 * Agency counts per level of a simulation: the profile's (an absent level has none), and the
 * provincial people's committee when the profile gives districts or communes but no province level:
 * the registry's root, their parent, which a district-only or commune-only report does not count.
 */
export function agencyCounts(levels: Partial<Record<AgencyLevel, { agencies: number }>>): Record<AgencyLevel, number> {
  const counts = Object.fromEntries(AGENCY_LEVELS.map((l) => [l, levels[l]?.agencies ?? 0])) as Record<AgencyLevel, number>;
  if (counts.province === 0 && counts.district + counts.commune > 0) counts.province = 1;
  return counts;
}
