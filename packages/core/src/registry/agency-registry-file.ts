import { z } from 'zod';
import { AGENCY_LEVELS } from './agency-levels';
import { agencyCode, isoDate, sourceUrn } from '../events/codes';

/** Bounds that keep a registry file (and its parsing) within sane memory and time. */
export const AGENCY_REGISTRY_LIMITS = {
  nameLength: 200,
  agencies: 20_000,
  systems: 1_000,
  agenciesPerSystem: 20_000,
  successors: 1_000,
} as const;

export { AGENCY_LEVELS } from './agency-levels';
export const agencyLevel = z
  .enum(AGENCY_LEVELS, { message: 'must be province, district or commune' })
  .describe('Administrative level: province (sở, ban, ngành), district (UBND cấp huyện) or commune (UBND cấp xã)');
export type { AgencyLevel } from './agency-levels';

const displayName = z
  .string({ message: 'must be a string' })
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(AGENCY_REGISTRY_LIMITS.nameLength, { message: `must be at most ${AGENCY_REGISTRY_LIMITS.nameLength} characters` });

/**
 * One effective-dated record of an agency. The same `code` may have several records whose validity
 * ranges do not overlap (a re-organisation: new parent, new name, a code re-used).
 */
export const agencyRecord = z
  .strictObject({
    code: agencyCode,
    name: displayName.describe('Official name, e.g. Sở Tư pháp'),
    level: agencyLevel,
    parent: agencyCode.nullable().describe('Code of the agency above (a commune its district, or the province after 1 Jul 2025); null only at province level'),
    validFrom: isoDate.describe('First day (Asia/Ho_Chi_Minh) on which this record holds'),
    validTo: isoDate.nullable().describe('Last day (inclusive) on which this record holds; null = still valid'),
    successor: agencyCode.nullable().describe('Code of the agency that took over when this record ended; requires validTo and must be valid the day after it'),
    successors: z
      .array(agencyCode, { message: 'must be an array of agency codes' })
      .min(2, { message: 'must name at least two agencies (one successor is `successor` alone)' })
      .max(AGENCY_REGISTRY_LIMITS.successors, { message: `must name at most ${AGENCY_REGISTRY_LIMITS.successors} agencies` })
      .optional()
      .describe(
        'When the work went to several agencies: all of them, `successor` among them (the one history is re-cut under); each must be valid the day after validTo',
      ),
  })
  .describe('An effective-dated agency record');
export type AgencyRecord = Readonly<z.infer<typeof agencyRecord>>;

/** A system's authorisation for one agency, between two days (both inclusive; `validTo` null = still). */
export const systemAuthorisation = z
  .strictObject({
    code: agencyCode,
    validFrom: isoDate.describe('First day (Asia/Ho_Chi_Minh) of the events the system may publish for the agency'),
    validTo: isoDate.nullable().describe('Last day (inclusive); null = still authorised'),
  })
  .describe('A dated authorisation of a system for an agency');

/** A one-stop-shop (or other) system that publishes dossier events, with the agencies it may speak for. */
export const publishingSystem = z
  .strictObject({
    source: sourceUrn,
    name: displayName.describe('Name of the system, e.g. Hệ thống một cửa điện tử tỉnh Lâm Đồng'),
    agencies: z
      .array(agencyCode, { message: 'must be an array of agency codes' })
      .max(AGENCY_REGISTRY_LIMITS.agenciesPerSystem, {
        message: `must list at most ${AGENCY_REGISTRY_LIMITS.agenciesPerSystem} agencies`,
      })
      .describe('Codes of the agencies this system may publish events for, on any day'),
    authorisations: z
      .array(systemAuthorisation, { message: 'must be an array of dated authorisations' })
      .max(AGENCY_REGISTRY_LIMITS.agenciesPerSystem, {
        message: `must hold at most ${AGENCY_REGISTRY_LIMITS.agenciesPerSystem} authorisations`,
      })
      .optional()
      .describe('Agencies this system may publish events for only from one day to another (a system retired, or new, at a re-organisation)'),
  })
  .describe('A publishing system and the agencies it is authorised for');
export type SystemAuthorisation = Readonly<z.infer<typeof systemAuthorisation>>;
export type PublishingSystem = Readonly<
  Omit<z.infer<typeof publishingSystem>, 'agencies' | 'authorisations'> & { agencies: readonly string[]; authorisations?: readonly SystemAuthorisation[] }
>;

/**
 * The agency registry file (JSON). Example:
 *
 * ```json
 * {
 *   "agencies": [
 *     { "code": "000.00.01.H36", "name": "Sở Tư pháp", "level": "province", "parent": null,
 *       "validFrom": "2020-01-01", "validTo": null, "successor": null },
 *     { "code": "000.00.31.H36", "name": "UBND huyện Đức Trọng", "level": "district", "parent": "000.00.00.H36",
 *       "validFrom": "2020-01-01", "validTo": "2025-06-30", "successor": null },
 *     { "code": "000.02.31.H36", "name": "UBND xã Hiệp An", "level": "commune", "parent": "000.00.31.H36",
 *       "validFrom": "2020-01-01", "validTo": "2025-06-30", "successor": "000.01.31.H36" }
 *   ],
 *   "systems": [
 *     { "source": "urn:tthc:lamdong-motcua", "name": "Hệ thống một cửa điện tử tỉnh Lâm Đồng",
 *       "agencies": ["000.00.01.H36", "000.00.31.H36", "000.02.31.H36"] }
 *   ]
 * }
 * ```
 *
 * Fields of `agencies[]` (every field is required; objects are strict, unknown fields are refused):
 * - `code`: electronic identifier code (QCVN 102:2016), e.g. `000.00.01.H36`.
 * - `name`: 1–200 characters.
 * - `level`: `province` (sở, ban, ngành; also the provincial people's committee), `district`
 *   (UBND cấp huyện) or `commune` (UBND cấp xã).
 * - `parent`: code of the agency above, or null. Required (non-null) for `district` and `commune`:
 *   a district's parent is a province-level agency; a commune's parent is a district, or a
 *   province-level agency (after the district level was abolished on 1 Jul 2025). A province-level
 *   agency's parent, if any, is province-level too. The parent must be valid on every day of this
 *   record's validity (possibly across several of its own records).
 * - `validFrom`, `validTo`: calendar days (Asia/Ho_Chi_Minh), both inclusive; `validTo` null = still valid.
 * - `successor`: code of the agency that took over when this record ended, or null (an agency may
 *   end without one, as the districts did). Requires `validTo`, and the successor must have a record
 *   valid on the day after `validTo`. Successor chains therefore always move forward in time.
 *
 * A code may appear in several records only with non-overlapping validity ranges.
 *
 * Fields of `systems[]`:
 * - `source`: URN of the publishing system, the same value as the events' `source`; unique.
 * - `name`: 1–200 characters.
 * - `agencies`: codes (each present in `agencies[]`, no repeats) the system may publish events for.
 *
 * Bounds: at most 20,000 agency records, 1,000 systems and 20,000 agencies per system.
 */
export const agencyRegistryFile = z
  .strictObject({
    agencies: z
      .array(agencyRecord, { message: 'must be an array of agency records' })
      .max(AGENCY_REGISTRY_LIMITS.agencies, { message: `must hold at most ${AGENCY_REGISTRY_LIMITS.agencies} agency records` }),
    systems: z
      .array(publishingSystem, { message: 'must be an array of publishing systems' })
      .max(AGENCY_REGISTRY_LIMITS.systems, { message: `must hold at most ${AGENCY_REGISTRY_LIMITS.systems} systems` }),
  })
  .describe('Agency registry: effective-dated agencies and the systems that publish for them');
export type AgencyRegistryFile = z.infer<typeof agencyRegistryFile>;
