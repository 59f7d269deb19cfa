import { z } from 'zod';
import { agencyCode, dossierCode, procedureCode, visibleId } from '../events/codes';
import { readSyncTime } from './sync-time';

/**
 * The dossier record that one-stop-shop systems post to the national public-service portal (DVCQG,
 * service "DongBoHoSoMC") each time a dossier changes. Only the fields the mapping reads are kept
 * (`KEPT_FIELDS`); the applicant's fields and free texts are dropped before anything is checked or
 * stored, dead letters included.
 */

const TIME_MESSAGE = 'must be a local time yyyyMMddHHmmss, e.g. 20240315083000';

/** A `yyyyMMddHHmmss` local time that exists on the calendar. */
const syncTime = z
  .string({ message: TIME_MESSAGE })
  .regex(/^\d{14}$/, { message: TIME_MESSAGE })
  .refine((s) => readSyncTime(s) !== undefined, { message: `${TIME_MESSAGE}, on a day and at a time that exist` })
  .describe('Local time (Asia/Ho_Chi_Minh), yyyyMMddHHmmss');

/** The portal's records write an unknown time as an empty string. */
const optionalSyncTime = z
  .string({ message: `${TIME_MESSAGE}, or empty` })
  .regex(/^(\d{14})?$/, { message: `${TIME_MESSAGE}, or empty` })
  .refine((s) => s === '' || readSyncTime(s) !== undefined, { message: `${TIME_MESSAGE}, on a day and at a time that exist` })
  .optional()
  .describe('Local time (Asia/Ho_Chi_Minh), yyyyMMddHHmmss; empty or absent when not yet known');

/** A code the portal writes as a string or a number: `"2"` and `2` are the same. */
const numericCode = <C extends string>(codes: readonly [C, ...C[]], what: string) =>
  z.union([z.enum(codes), z.literal(codes.map(Number))], { error: `must be ${what}` }).transform((v) => String(v) as C);

export const SYNC_STATUSES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const supplementEntry = z.object({
  HoSoBoSungId: z.union([z.string(), z.number()]).optional().describe('Id of the supplement in the source system'),
  NgayBoSung: syncTime.describe('When the supplement was requested (yyyyMMddHHmmss)'),
  NgayTiepNhanBoSung: optionalSyncTime.describe('When the supplement arrived; empty while it is awaited'),
  NgayHenTraTruoc: optionalSyncTime.describe('The due date before the supplement'),
  NgayHenTraMoi: optionalSyncTime.describe('The new due date set when the supplement arrived'),
});

export const feeEntry = z.object({
  MaPhiLePhi: z.string().max(64).optional().describe('Fee code'),
  Gia: z
    .union([z.number(), z.string().regex(/^\d+$/, { message: 'must be a whole number of đồng' }).transform(Number)], {
      message: 'must be a whole number of đồng',
    })
    .pipe(z.number().int({ message: 'must be a whole number of đồng' }).positive({ message: 'must be more than 0' }).max(1_000_000_000_000))
    .describe('Amount in đồng'),
  HinhThucThu: numericCode(['1', '2'], '1 (at the counter) or 2 (online payment)').describe('How the fee was collected: 1 at the counter, 2 online'),
  MaGiaoDich: visibleId(64).optional().describe("Extension: the payment platform's transaction id (required for an online payment)"),
  NgayThanhToan: optionalSyncTime.describe('Extension: when the fee was paid (required for an online payment)'),
  NenTangThanhToan: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, { message: 'must be a lower-case platform code such as payment-platform-dvcqg' })
    .optional()
    .describe('Extension: payment platform code; payment-platform-dvcqg when absent'),
});

/** The fields of a record that the door reads and keeps: nothing personal. */
export const syncRecord = z.object({
  MaHoSo: dossierCode,
  MaTTHC: procedureCode.optional(),
  NgayTiepNhan: optionalSyncTime.describe('When the dossier was received (or, refused at reception, submitted)'),
  NgayHenTra: optionalSyncTime.describe('The due date now in force'),
  TrangThaiHoSo: numericCode(SYNC_STATUSES, 'a status code 1-10').describe('DVCQG status code 1-10'),
  NgayKetThucXuLy: optionalSyncTime.describe('When processing finished, or the dossier ended without a result'),
  NgayTra: optionalSyncTime.describe('When the result was returned'),
  HinhThuc: numericCode(['1', '2', '3'], '1 (in person), 2 (online) or 3 (public postal service)').optional(),
  DonViXuLy: agencyCode.optional().describe('Electronic identifier code of the agency that resolves the dossier'),
  MucDoDVC: numericCode(['0', '1', '2'], '0 (not online), 1 (partial) or 2 (full-process)')
    .optional()
    .describe("Extension: the procedure's online service level (Decree 42/2022): 0 none, 1 partial, 2 full-process"),
  KetQuaXuLy: numericCode(['1', '2'], '1 (approved) or 2 (refused in writing)').optional().describe('Extension: 1 approved (default), 2 refused in writing'),
  HinhThucTra: numericCode(['1', '2', '3'], '1 (in person), 2 (online) or 3 (public postal service)')
    .optional()
    .describe('Extension: how the result was returned; the channel of submission when absent'),
  TraLai: numericCode(['0', '1'], '0 or 1').optional().describe('Extension: 1 when a status 8 dossier was handed back (trả lại) rather than stopped'),
  DanhSachHoSoBoSung: z.array(supplementEntry).max(100).optional(),
  DanhSachLePhi: z.array(feeEntry).max(100).optional(),
});
export type SyncRecord = z.infer<typeof syncRecord>;

/** The applicant's fields and free texts: dropped at the door, never checked, logged or stored. */
export const PERSONAL_FIELDS = [
  'ChuHoSo',
  'LoaiDoiTuong',
  'MaDoiTuong',
  'ThongTinKhac',
  'Email',
  'Fax',
  'SoDienThoai',
  'TrichYeuHoSo',
  'GhiChu',
  'ThongTinTra',
  'DiaChi',
  'SoCMND',
  'SoDinhDanh',
] as const;

const ENTRY_KEPT = {
  DanhSachHoSoBoSung: Object.keys(supplementEntry.shape),
  DanhSachLePhi: Object.keys(feeEntry.shape),
} as const;

/** Every field the door keeps, at the top level and in each list's entries. */
export const KEPT_FIELDS: { readonly record: readonly string[]; readonly DanhSachHoSoBoSung: readonly string[]; readonly DanhSachLePhi: readonly string[] } = {
  record: Object.keys(syncRecord.shape),
  ...ENTRY_KEPT,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (Object.hasOwn(value, k)) out[k] = value[k];
  return out;
}

/**
 * What the door keeps of a parsed record: the kept fields only, list entries likewise; everything
 * else (the applicant, free texts, attachments, fields of other vendors) is gone. A value that is
 * not an object keeps nothing.
 */
export function keptFieldsOf(value: unknown): Record<string, unknown> {
  if (!isObject(value)) return {};
  const kept = pick(value, KEPT_FIELDS.record);
  for (const list of ['DanhSachHoSoBoSung', 'DanhSachLePhi'] as const) {
    const entries = kept[list];
    if (Array.isArray(entries)) kept[list] = entries.map((e) => (isObject(e) ? pick(e, ENTRY_KEPT[list]) : null));
  }
  return kept;
}

const personalText = z.string().describe('Personal data or free text: dropped at the door, never stored');

/** The whole record as the portal defines it, for the published JSON Schema: kept fields, and the dropped ones named. */
export const syncRecordDocument = z
  .looseObject({
    ...syncRecord.shape,
    TenTTHC: z.string().optional().describe('Procedure name: not kept (the code is)'),
    ...Object.fromEntries(PERSONAL_FIELDS.map((f) => [f, personalText.optional()])),
    TaiLieuNop: z.array(z.unknown()).optional().describe('Attachments: dropped at the door'),
    DanhSachTepDinhKemKhac: z.array(z.unknown()).optional().describe('Attachments: dropped at the door'),
    DanhSachGiayToKetQua: z.array(z.unknown()).optional().describe('Result documents: dropped at the door'),
  })
  .describe('DVCQG dossier sync record (DongBoHoSoMC), as the door reads it');
