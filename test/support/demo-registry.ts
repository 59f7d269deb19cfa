import type { AgencyRegistryFile } from '@tthc/core';
import { DEMO_AGENCIES, DEMO_SOURCE } from './demo-dataset';

/** The agency registry the demo data set needs: its agencies under a provincial people's committee, and its one publishing system. */
export function demoRegistry(source: string = DEMO_SOURCE): AgencyRegistryFile {
  const [dept1, dept2, district, commune] = DEMO_AGENCIES;
  const agency = (code: string, name: string, level: 'province' | 'district' | 'commune', parent: string | null) => ({
    code,
    name,
    level,
    parent,
    validFrom: '2020-01-01',
    validTo: null,
    successor: null,
  });
  return {
    agencies: [
      agency('000.00.00.H36', 'UBND tỉnh (minh hoạ)', 'province', null),
      agency(dept1, 'Sở A (minh hoạ)', 'province', '000.00.00.H36'),
      agency(dept2, 'Sở B (minh hoạ)', 'province', '000.00.00.H36'),
      agency(district, 'UBND huyện C (minh hoạ)', 'district', '000.00.00.H36'),
      agency(commune, 'UBND xã D (minh hoạ)', 'commune', district),
    ],
    systems: [{ source, name: 'Hệ thống một cửa (minh hoạ)', agencies: ['000.00.00.H36', ...DEMO_AGENCIES] }],
  };
}
