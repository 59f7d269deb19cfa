import { z } from 'zod';

// Electronic identifier of an agency (QCVN 102:2016), e.g. 000.00.00.H36 or 000.21.36.H36.
export const agencyCode = z
  .string()
  .regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, { message: 'must be an agency code such as 000.00.00.H36' });

// National database procedure code, e.g. 1.002835.
export const procedureCode = z
  .string()
  .regex(/^\d\.\d{6}$/, { message: 'must be a procedure code such as 1.002835' });

// Dossier codes differ by vendor; what they share is a bounded, printable, PII-free token.
export const dossierCode = z
  .string()
  .regex(/^[A-Z0-9][A-Z0-9.\-_]{5,63}$/, {
    message: 'must be 6-64 characters of A-Z, 0-9, ".", "-" or "_", starting with a letter or digit',
  });

export const isoDateTimeWithOffset = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' });

export const isoDate = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
