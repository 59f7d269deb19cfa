import { AGENCY_REGISTRY_EVENT_TYPE, type AgencyRegistryEvent, type AgencyRegistryFile } from '@tthc/core';

const PROVINCE = '000.00.00.H36';
const JUSTICE = '000.00.01.H36';
const DUC_TRONG = '000.00.31.H36';
const LIEN_NGHIA = '000.01.31.H36';
const HIEP_AN = '000.02.31.H36';

const SYSTEMS: AgencyRegistryFile['systems'] = [
  { source: 'urn:tthc:lamdong-motcua', name: 'Hệ thống một cửa điện tử tỉnh Lâm Đồng', agencies: [JUSTICE, DUC_TRONG, LIEN_NGHIA, HIEP_AN] },
  { source: 'urn:tthc:btp-hotich', name: 'Phần mềm đăng ký, quản lý hộ tịch của Bộ Tư pháp', agencies: [LIEN_NGHIA, HIEP_AN] },
];

/**
 * The worked example of docs/registry.md, a small part of Lâm Đồng: the provincial people's committee
 * and one department, one district and two of its communes, before the reform of 1 Jul 2025.
 */
export const REGISTRY_EXAMPLE_V1: AgencyRegistryFile = {
  agencies: [
    { code: PROVINCE, name: 'UBND tỉnh Lâm Đồng', level: 'province', parent: null, validFrom: '2020-01-01', validTo: null, successor: null },
    { code: JUSTICE, name: 'Sở Tư pháp', level: 'province', parent: PROVINCE, validFrom: '2020-01-01', validTo: null, successor: null },
    { code: DUC_TRONG, name: 'UBND huyện Đức Trọng', level: 'district', parent: PROVINCE, validFrom: '2020-01-01', validTo: null, successor: null },
    { code: LIEN_NGHIA, name: 'UBND thị trấn Liên Nghĩa', level: 'commune', parent: DUC_TRONG, validFrom: '2020-01-01', validTo: null, successor: null },
    { code: HIEP_AN, name: 'UBND xã Hiệp An', level: 'commune', parent: DUC_TRONG, validFrom: '2020-01-01', validTo: null, successor: null },
  ],
  systems: SYSTEMS,
};

/**
 * The same province after the reform, as its next registry version: the district ends on 30 Jun 2025;
 * Liên Nghĩa's code goes on as the new commune Đức Trọng, directly under the province, and Hiệp An
 * merges into it. Every earlier record stays, closed, so that events about earlier days still check.
 */
export const REGISTRY_EXAMPLE_V2: AgencyRegistryFile = {
  agencies: [
    { code: PROVINCE, name: 'UBND tỉnh Lâm Đồng', level: 'province', parent: null, validFrom: '2020-01-01', validTo: null, successor: null },
    { code: JUSTICE, name: 'Sở Tư pháp', level: 'province', parent: PROVINCE, validFrom: '2020-01-01', validTo: null, successor: null },
    { code: DUC_TRONG, name: 'UBND huyện Đức Trọng', level: 'district', parent: PROVINCE, validFrom: '2020-01-01', validTo: '2025-06-30', successor: null },
    {
      code: LIEN_NGHIA,
      name: 'UBND thị trấn Liên Nghĩa',
      level: 'commune',
      parent: DUC_TRONG,
      validFrom: '2020-01-01',
      validTo: '2025-06-30',
      successor: null,
    },
    { code: HIEP_AN, name: 'UBND xã Hiệp An', level: 'commune', parent: DUC_TRONG, validFrom: '2020-01-01', validTo: '2025-06-30', successor: LIEN_NGHIA },
    { code: LIEN_NGHIA, name: 'UBND xã Đức Trọng', level: 'commune', parent: PROVINCE, validFrom: '2025-07-01', validTo: null, successor: null },
  ],
  systems: SYSTEMS,
};

/** The second version as it travels on the registry topic or in a feed: schemas/samples/<type>.json. */
export const REGISTRY_SAMPLE: AgencyRegistryEvent = {
  specversion: '1.0',
  id: 'lam-dong-registry-2025-06-20',
  source: 'urn:tthc:lamdong-registry',
  type: AGENCY_REGISTRY_EVENT_TYPE,
  subject: 'lam-dong',
  time: '2025-06-20T17:00:00+07:00',
  datacontenttype: 'application/json',
  data: REGISTRY_EXAMPLE_V2,
};

export const registrySamplePath = (): string => `schemas/samples/${AGENCY_REGISTRY_EVENT_TYPE}.json`;
