import { z } from 'zod';

// Electronic identifier of an agency (QCVN 102:2016), e.g. 000.00.00.H36 or 000.21.36.H36.
export const agencyCode = z
  .string()
  .regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, { message: 'must be an agency code such as 000.00.00.H36' })
  .describe('Electronic identifier code of an agency (QCVN 102:2016), e.g. 000.00.00.H36');

// National database procedure code, e.g. 1.002835.
export const procedureCode = z
  .string()
  .regex(/^\d\.\d{6}$/, { message: 'must be a procedure code such as 1.002835' })
  .describe('Procedure code in the national TTHC database, e.g. 1.002835');

// Dossier codes differ by vendor; what they share is a bounded, printable, PII-free token.
export const dossierCode = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9.\-_]{5,63}$/, {
    message: 'must be 6-64 characters of A-Z, 0-9, ".", "-" or "_", starting with a letter or digit',
  })
  .describe('Dossier code (mã hồ sơ) issued by the one-stop-shop system');

/** A rule's message for a present but wrong value; a missing one keeps the "is required" wording. */
const whenPresent = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message);

export const isoDateTimeWithOffset = z.iso
  .datetime({ offset: true, error: whenPresent('must be an ISO 8601 date-time with an offset, e.g. 2024-03-15T08:30:00+07:00') })
  .describe('ISO 8601 date-time with offset');

export const isoDate = z.iso.date({ error: whenPresent('must be a calendar date YYYY-MM-DD') }).describe('Calendar date YYYY-MM-DD (Asia/Ho_Chi_Minh)');

/** Amounts are whole đồng; a trillion is beyond any fee and catches unit mistakes. */
export const amountVnd = z
  .number({ message: 'must be a number' })
  .int({ message: 'must be a whole number of đồng' })
  .positive({ message: 'must be more than 0' })
  .max(1_000_000_000_000, { message: 'must be at most 1,000,000,000,000 đồng' })
  .describe('Amount in Vietnamese đồng, a whole number');

export const sourceUrn = z
  .string()
  .regex(/^urn:[a-z0-9][a-z0-9-]{0,31}:[^\s\p{C}]{1,200}$/iu, { message: 'must be a URN such as urn:tthc:lamdong-motcua' })
  .describe('URN of the publishing system, e.g. urn:tthc:lamdong-motcua');

/**
 * An identifier chosen by a sender (an event id, a payment's transaction id): visible characters
 * only. Blank ids, spaces and control characters would make two ids look alike to a reader.
 */
export const visibleId = (max: number) =>
  z.string().regex(new RegExp(`^[^\\s\\p{C}]{1,${max}}$`, 'u'), { message: `must be 1-${max} visible characters, with no space or control character` });
