/**
 * Administrative level of an agency, as the reports split it:
 * `province` (provincial departments: sở, ban, ngành, and the provincial people's committee),
 * `district` (UBND cấp huyện; the level was abolished from 1 Jul 2025),
 * `commune` (UBND cấp xã).
 */
export const AGENCY_LEVELS = ['province', 'district', 'commune'] as const;
export type AgencyLevel = (typeof AGENCY_LEVELS)[number];
