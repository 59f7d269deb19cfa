import { AGENCY_LEVELS, type AgencyLevel } from './agency-registry-file';

/**
 * The first day of two-tier local government (Law 72/2025/QH15 on the organisation of local
 * government): from it there is no district level, only the province and the commune (xã, phường,
 * đặc khu).
 */
export const TWO_TIER_FROM = '2025-07-01';

/** The administrative levels that exist on `day` (`YYYY-MM-DD`): all three before 1 Jul 2025, province and commune from it. */
export function levelsOn(day: string): readonly AgencyLevel[] {
  return day >= TWO_TIER_FROM ? AGENCY_LEVELS.filter((level) => level !== 'district') : AGENCY_LEVELS;
}
