import { upcastBody, writeSyncDay, writeSyncTime, type AnyVersionDossierEvent } from '@tthc/core';

/** A DVCQG sync record as a one-stop-shop system posts it: the fields the door reads, and the applicant's. */
export type SimulatedSyncRecord = Record<string, unknown> & { readonly MaHoSo: string };

const CHANNEL_CODES = { 'in-person': '1', online: '2', postal: '3' } as const;
const LEVEL_CODES = { none: '0', partial: '1', 'full-process': '2' } as const;

/**
 * Made-up applicants, so that a feed carries personal fields as a real one does and a test can show
 * that none of them is stored: names, an ID number, a phone, an e-mail and an address.
 */
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Cường', 'Phạm Thu Dung', 'Hoàng Minh Đức', 'Võ Thị Hà'] as const;
export const SIMULATED_PERSONAL_MARKERS = [...NAMES, '@example.vn', 'đường Lê Lợi', 'Người xử lý'] as const;

function applicant(serial: number): Record<string, string> {
  const name = NAMES[serial % NAMES.length] ?? 'Nguyễn Văn An';
  const digits = String(100_000_000 + ((serial * 7_919) % 900_000_000));
  return {
    ChuHoSo: name,
    LoaiDoiTuong: '1',
    MaDoiTuong: `079${digits}`,
    Email: `cd${serial}@example.vn`,
    SoDienThoai: `09${digits.slice(1)}`,
    TrichYeuHoSo: `Hồ sơ của ${name}, thường trú số ${1 + (serial % 200)} đường Lê Lợi`,
  };
}

interface Dossier {
  readonly record: Record<string, unknown> & { MaHoSo: string };
  readonly supplements: Record<string, unknown>[];
  readonly fees: Record<string, unknown>[];
}

const snapshot = (d: Dossier): SimulatedSyncRecord => ({
  ...d.record,
  DanhSachHoSoBoSung: d.supplements.map((s) => ({ ...s })),
  DanhSachLePhi: d.fees.map((f) => ({ ...f })),
});

/**
 * The records a one-stop-shop system would post for these events: after each change of a dossier,
 * its whole current record. An apology changes nothing the record carries, so it posts none (and the
 * door cannot see it: docs/dvcqg.md). Streams, keeping only the dossiers still open.
 */
export function* syncRecordsOf(events: Iterable<AnyVersionDossierEvent>): IterableIterator<SimulatedSyncRecord> {
  const open = new Map<string, Dossier>();
  let serial = 0;
  for (const published of events) {
    const e = upcastBody(published);
    const code = e.subject;
    if (e.type === 'vn.gov.tthc.dossier.received.v2' || e.type === 'vn.gov.tthc.dossier.refused-at-reception.v1') {
      serial += 1;
      const refused = e.type === 'vn.gov.tthc.dossier.refused-at-reception.v1';
      const record = {
        MaHoSo: code,
        MaTTHC: e.data.procedureCode,
        TenTTHC: 'Thủ tục hành chính',
        ...applicant(serial),
        NgayTiepNhan: writeSyncTime(refused ? e.data.submittedAt : e.data.receivedAt),
        NgayHenTra: refused ? '' : writeSyncDay(e.data.dueDate),
        TrangThaiHoSo: refused ? '3' : '2',
        NgayTra: '',
        HinhThuc: refused ? '2' : CHANNEL_CODES[e.data.channel],
        NgayKetThucXuLy: refused ? writeSyncTime(e.data.refusedAt) : '',
        DonViXuLy: refused ? e.data.agencyCode : e.data.processingAgencyCode,
        ...(refused ? {} : { MucDoDVC: LEVEL_CODES[e.data.onlineServiceLevel] }),
        GhiChu: '',
      };
      const dossier: Dossier = { record, supplements: [], fees: [] };
      yield snapshot(dossier);
      if (!refused) open.set(code, dossier);
      continue;
    }
    const d = open.get(code);
    if (!d) throw new Error(`internal: ${e.type} of dossier ${code} before its receipt`);
    const r = d.record;
    let ended = false;
    switch (e.type) {
      case 'vn.gov.tthc.dossier.supplement-requested.v1':
        d.supplements.push({
          HoSoBoSungId: String(d.supplements.length + 1),
          NguoiYeuCauBoSung: 'Người xử lý',
          NoiDungBoSung: 'Bổ sung giấy tờ còn thiếu',
          NgayBoSung: writeSyncTime(e.data.requestedAt),
          NgayTiepNhanBoSung: '',
          NgayHenTraTruoc: r.NgayHenTra,
          NgayHenTraMoi: '',
        });
        r.TrangThaiHoSo = '5';
        break;
      case 'vn.gov.tthc.dossier.supplement-received.v1': {
        const last = d.supplements[d.supplements.length - 1];
        if (!last) throw new Error(`internal: supplement of dossier ${code} received before one was requested`);
        last.NgayTiepNhanBoSung = writeSyncTime(e.data.receivedAt);
        last.NgayHenTraMoi = writeSyncDay(e.data.newDueDate);
        r.NgayHenTra = last.NgayHenTraMoi;
        r.TrangThaiHoSo = '4';
        break;
      }
      case 'vn.gov.tthc.dossier.financial-obligation-requested.v1':
        r.TrangThaiHoSo = '6';
        break;
      case 'vn.gov.tthc.dossier.paid-online.v1':
        d.fees.push({
          MaPhiLePhi: `LP${d.fees.length + 1}`,
          TenPhiLePhi: 'Phí, lệ phí',
          Gia: e.data.amountVnd,
          HinhThucThu: '2',
          MaGiaoDich: e.data.transactionId,
          NgayThanhToan: writeSyncTime(e.data.paidAt),
          NenTangThanhToan: e.data.platform,
        });
        if (r.TrangThaiHoSo === '6') r.TrangThaiHoSo = '4';
        break;
      case 'vn.gov.tthc.dossier.apology-issued.v1':
        continue; // nothing the record carries changes
      case 'vn.gov.tthc.dossier.processing-stopped.v1':
        Object.assign(r, { TrangThaiHoSo: '8', NgayKetThucXuLy: writeSyncTime(e.data.stoppedAt) });
        ended = true;
        break;
      case 'vn.gov.tthc.dossier.handed-back.v1':
        Object.assign(r, { TrangThaiHoSo: '8', TraLai: '1', NgayKetThucXuLy: writeSyncTime(e.data.handedBackAt) });
        ended = true;
        break;
      case 'vn.gov.tthc.dossier.withdrawn.v1':
        Object.assign(r, { TrangThaiHoSo: '7', NgayKetThucXuLy: writeSyncTime(e.data.withdrawnAt) });
        ended = true;
        break;
      case 'vn.gov.tthc.dossier.processed.v1':
        Object.assign(r, { TrangThaiHoSo: '9', NgayKetThucXuLy: writeSyncTime(e.data.finishedAt), KetQuaXuLy: e.data.outcome === 'refused' ? '2' : '1' });
        break;
      case 'vn.gov.tthc.dossier.result-returned.v1':
        Object.assign(r, { TrangThaiHoSo: '10', NgayTra: writeSyncTime(e.data.returnedAt), HinhThucTra: CHANNEL_CODES[e.data.channel] });
        ended = true;
        break;
    }
    yield snapshot(d);
    if (ended) open.delete(code);
  }
}
