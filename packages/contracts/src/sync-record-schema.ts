import { syncRecordDocument, writeSyncDay } from '@tthc/core';
import { z } from 'zod';
import { isJsonObject, type JsonObject } from './json';

export const SYNC_RECORD_SCHEMA_PATH = 'schemas/dvcqg/dong-bo-ho-so-mc.schema.json';
export const SYNC_RECORD_SAMPLE_PATH = 'schemas/dvcqg/samples/dong-bo-ho-so-mc.json';
const SCHEMA_ID = 'urn:tthc:schema:dvcqg:dong-bo-ho-so-mc';

/** The JSON Schema (draft 2020-12) of the DVCQG sync record as the second door reads it, generated from its zod schema. */
export function syncRecordJsonSchema(): JsonObject {
  const value: unknown = z.toJSONSchema(syncRecordDocument, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  if (!isJsonObject(value)) throw new Error('zod gave no object schema for the sync record');
  const { $schema, ...rest } = value;
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    ...rest,
    $id: SCHEMA_ID,
    title: 'DVCQG dossier sync record (DongBoHoSoMC)',
    description:
      "The record a one-stop-shop system posts to the national public-service portal each time a dossier changes, as `tthc ingest --format dvcqg` reads it. Fields marked as dropped are never checked or stored; beyond this schema, a record must hold what its status needs (docs/dvcqg.md has the table). Fields named 'Extension' are not in the national record. Generated from packages/core/src/dvcqg; do not edit.",
  };
}

/** A resolved dossier's record, with its applicant (dropped at the door), as a one-stop-shop system sends it. */
export const SYNC_RECORD_SAMPLE: JsonObject = {
  MaHoSo: '000.00.05.H36-240315-00042',
  MaTTHC: '1.002835',
  TenTTHC: 'Đăng ký khai sinh',
  ChuHoSo: 'Nguyễn Văn An',
  LoaiDoiTuong: '1',
  MaDoiTuong: '',
  Email: 'an.nguyen@example.vn',
  SoDienThoai: '0912345678',
  TrichYeuHoSo: 'Đăng ký khai sinh cho con',
  NgayTiepNhan: '20240315083000',
  NgayHenTra: writeSyncDay('2024-03-29'),
  TrangThaiHoSo: '10',
  NgayKetThucXuLy: '20240328150000',
  NgayTra: '20240329090000',
  HinhThuc: '2',
  DonViXuLy: '000.00.05.H36',
  MucDoDVC: '2',
  DanhSachHoSoBoSung: [
    {
      HoSoBoSungId: '1',
      NguoiYeuCauBoSung: 'Trần Thị Bình',
      NoiDungBoSung: 'Bổ sung bản sao giấy chứng sinh',
      NgayBoSung: '20240318090000',
      NgayTiepNhanBoSung: '20240320100000',
      NgayHenTraTruoc: writeSyncDay('2024-03-22'),
      NgayHenTraMoi: writeSyncDay('2024-03-29'),
    },
  ],
  DanhSachLePhi: [
    { MaPhiLePhi: 'LP01', TenPhiLePhi: 'Lệ phí đăng ký', Gia: 8000, HinhThucThu: '2', MaGiaoDich: 'PG-240315-0001', NgayThanhToan: '20240315084500' },
  ],
};
