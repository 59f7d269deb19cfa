import { applyDossierEvent } from '../lifecycle/lifecycle';
import type { DossierState } from '../lifecycle/dossier-state';
import { upcastBody } from '../events/upcasters';
import { keptFieldsOf, PERSONAL_FIELDS } from './sync-record';
import { eventsOfSyncRecord } from './sync-record-events';
import { readSyncTime, writeSyncTime } from './sync-time';

const SOURCE = 'urn:tthc:lamdong-motcua';

/** A dossier received in person at 08:30 on 15 March 2024, due 22 March, being processed. */
const base = {
  MaHoSo: '000.00.05.H36-240315-00042',
  MaTTHC: '1.002835',
  NgayTiepNhan: '20240315083000',
  NgayHenTra: '20240322170000',
  TrangThaiHoSo: '4',
  HinhThuc: '1',
  DonViXuLy: '000.00.05.H36',
  MucDoDVC: '2',
  NgayKetThucXuLy: '',
  NgayTra: '',
  ChuHoSo: 'Nguyễn Văn An',
  Email: 'an.nguyen@example.vn',
  SoDienThoai: '0912345678',
  MaDoiTuong: '079123456789',
  TrichYeuHoSo: 'Đăng ký khai sinh cho con ông Nguyễn Văn An, 12 Lê Lợi',
};

const translate = (record: Record<string, unknown>) => eventsOfSyncRecord(keptFieldsOf(record), { source: SOURCE });
const eventsOf = (record: Record<string, unknown>) => {
  const t = translate(record);
  if (!t.ok) throw new Error(`refused: ${JSON.stringify(t.problems)}`);
  return t.events;
};
const short = (type: string) => type.replace(/^vn\.gov\.tthc\.dossier\.|\.v\d+$/g, '');
const typesOf = (record: Record<string, unknown>) => eventsOf(record).map((e) => short(e.type));
const problemsOf = (record: Record<string, unknown>) => {
  const t = translate(record);
  if (t.ok) throw new Error(`accepted: ${JSON.stringify(t.events)}`);
  return t.problems;
};

/** Runs events through the lifecycle: the state at the end, or the first rule broken. */
function lifecycle(events: readonly { type: string; subject: string; data: unknown }[]): DossierState | string {
  let state: DossierState | undefined;
  for (const e of events) {
    const t = applyDossierEvent(state, upcastBody(e));
    if (!t.ok) return t.violation.message;
    state = t.state;
  }
  return state ?? 'no events';
}

describe('sync record times (yyyyMMddHHmmss, local time)', () => {
  it('reads a local time as an instant at +07:00 and writes it back', () => {
    expect(readSyncTime('20240315083000')).toEqual({ instant: '2024-03-15T08:30:00+07:00', day: '2024-03-15' });
    expect(writeSyncTime('2024-03-15T01:30:00Z')).toBe('20240315083000');
    expect(writeSyncTime('2024-03-14T20:00:00Z')).toBe('20240315030000');
    expect(readSyncTime('20240229235959')?.day).toBe('2024-02-29');
  });

  it.each(['20230229083000', '20240230083000', '20240431083000', '20240315243000', '20240315236000', '2024031508300a', '2024031508300', '2024-03-15', ''])(
    'refuses %j',
    (text) => {
      expect(readSyncTime(text)).toBeUndefined();
    },
  );
});

describe('DVCQG sync record → lifecycle events', () => {
  it('reads a processing dossier as its receipt, with the due date, channel, level and agency the figures count', () => {
    const [receipt, ...rest] = eventsOf(base);
    expect(rest).toEqual([]);
    expect(receipt).toMatchObject({
      specversion: '1.0',
      source: SOURCE,
      type: 'vn.gov.tthc.dossier.received.v2',
      subject: base.MaHoSo,
      time: '2024-03-15T08:30:00+07:00',
      data: {
        procedureCode: '1.002835',
        receivingAgencyCode: '000.00.05.H36',
        processingAgencyCode: '000.00.05.H36',
        channel: 'in-person',
        onlineServiceLevel: 'full-process',
        receivedAt: '2024-03-15T08:30:00+07:00',
        dueDate: '2024-03-22',
      },
    });
  });

  it.each([
    ['1', {}, []],
    ['2', {}, ['received']],
    ['4', {}, ['received']],
    ['3', { HinhThuc: '2', NgayKetThucXuLy: '20240315100000', NgayHenTra: '' }, ['refused-at-reception']],
    ['5', { DanhSachHoSoBoSung: [{ NgayBoSung: '20240318090000', NgayHenTraTruoc: '20240322170000' }] }, ['received', 'supplement-requested']],
    ['6', {}, ['received']],
    ['7', { NgayKetThucXuLy: '20240319100000' }, ['received', 'withdrawn']],
    ['8', { NgayKetThucXuLy: '20240319100000' }, ['received', 'processing-stopped']],
    ['8', { NgayKetThucXuLy: '20240319100000', TraLai: '1' }, ['received', 'handed-back']],
    ['9', { NgayKetThucXuLy: '20240321160000' }, ['received', 'processed']],
    ['10', { NgayKetThucXuLy: '20240321160000', NgayTra: '20240322090000' }, ['received', 'processed', 'result-returned']],
  ])('status %s%s reads as %j, which the lifecycle accepts in that order', (status, patch, types) => {
    const record = { ...base, TrangThaiHoSo: status, ...patch };
    expect(typesOf(record)).toEqual(types);
    const events = eventsOf(record);
    if (events.length > 0) expect(typeof lifecycle(events)).toBe('object');
  });

  it('dates a finish by NgayKetThucXuLy, so timeliness compares it with the due date', () => {
    const state = lifecycle(eventsOf({ ...base, TrangThaiHoSo: '9', NgayKetThucXuLy: '20240322180000' }));
    expect(state).toMatchObject({ status: 'resolved', timeliness: 'on-time', finishedDay: '2024-03-22' });
    const late = lifecycle(eventsOf({ ...base, TrangThaiHoSo: '9', NgayKetThucXuLy: '20240323080000' }));
    expect(late).toMatchObject({ timeliness: 'late' });
  });

  it('keeps the due date before the first supplement on the receipt, and the one after it on the supplement', () => {
    const record = {
      ...base,
      NgayHenTra: '20240329170000',
      DanhSachHoSoBoSung: [
        {
          HoSoBoSungId: 7,
          NgayBoSung: '20240318090000',
          NgayTiepNhanBoSung: '20240320100000',
          NgayHenTraTruoc: '20240322170000',
          NgayHenTraMoi: '20240329170000',
        },
      ],
      TrangThaiHoSo: '9',
      NgayKetThucXuLy: '20240328150000',
    };
    const events = eventsOf(record);
    expect(events.map((e) => short(e.type))).toEqual(['received', 'supplement-requested', 'supplement-received', 'processed']);
    expect(events[0]?.data).toMatchObject({ dueDate: '2024-03-22' });
    expect(events[2]?.data).toEqual({ receivedAt: '2024-03-20T10:00:00+07:00', newDueDate: '2024-03-29' });
    // Finished on 28 March: early against the new date, though late against the first.
    expect(lifecycle(events)).toMatchObject({ timeliness: 'early', dueDate: '2024-03-29' });
  });

  it('reads a fee paid online as a payment counted on the day it was paid; a fee paid at the counter as nothing', () => {
    const record = {
      ...base,
      DanhSachLePhi: [
        {
          MaPhiLePhi: 'LP1',
          TenPhiLePhi: 'Lệ phí',
          Gia: '50000',
          HinhThucThu: '2',
          MaGiaoDich: 'TX0001',
          NgayThanhToan: '20240315084500',
          NenTangThanhToan: 'vnpay',
        },
        { MaPhiLePhi: 'LP2', Gia: 20000, HinhThucThu: '1' },
      ],
    };
    const events = eventsOf(record);
    expect(events.map((e) => short(e.type))).toEqual(['received', 'paid-online']);
    expect(events[1]?.data).toEqual({ transactionId: 'TX0001', amountVnd: 50_000, platform: 'vnpay', paidAt: '2024-03-15T08:45:00+07:00' });
  });

  it('gives a fact the same id whichever record states it, and distinct facts distinct ids', () => {
    const first = eventsOf(base);
    const later = eventsOf({ ...base, TrangThaiHoSo: '10', NgayKetThucXuLy: '20240321160000', NgayTra: '20240322090000', ChuHoSo: 'someone else' });
    expect(later[0]).toEqual(first[0]);
    const ids = later.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    // UUIDv7-shaped, the timestamp the event's time: the store's id index grows in time order.
    for (const e of later) {
      expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(parseInt(e.id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse(e.time));
    }
    // Another dossier's receipt at the same second has another id.
    expect(eventsOf({ ...base, MaHoSo: '000.00.05.H36-240315-00043' })[0]?.id).not.toBe(first[0]?.id);
  });

  it('reads records sent out of order as the same facts: each states its history so far', () => {
    const supplementAsked = { ...base, TrangThaiHoSo: '5', DanhSachHoSoBoSung: [{ NgayBoSung: '20240318090000', NgayHenTraTruoc: '20240322170000' }] };
    const finished = {
      ...base,
      TrangThaiHoSo: '9',
      NgayKetThucXuLy: '20240328150000',
      NgayHenTra: '20240329170000',
      DanhSachHoSoBoSung: [
        { NgayBoSung: '20240318090000', NgayTiepNhanBoSung: '20240320100000', NgayHenTraTruoc: '20240322170000', NgayHenTraMoi: '20240329170000' },
      ],
    };
    const late = eventsOf(finished);
    // The older record, arriving after, restates a prefix of what is stored: nothing new.
    expect(eventsOf(supplementAsked)).toEqual(late.slice(0, 2));
    expect(eventsOf(base)).toEqual(late.slice(0, 1));
  });

  it('drops the applicant: no personal field or free text survives into what is kept or the events', () => {
    const kept = keptFieldsOf({
      ...base,
      DiaChi: '12 Lê Lợi',
      DanhSachHoSoBoSung: [{ NgayBoSung: '20240318090000', NguoiYeuCauBoSung: 'Trần Thị B', NoiDungBoSung: 'bổ sung CCCD 079123456789' }],
    });
    for (const field of PERSONAL_FIELDS) expect(kept).not.toHaveProperty(field);
    const text = JSON.stringify(kept) + JSON.stringify(eventsOf(base));
    for (const secret of ['Nguyễn', 'example.vn', '0912345678', '079123456789', 'Lê Lợi', 'Trần']) expect(text).not.toContain(secret);
  });

  it.each([
    ['an unparseable date', { NgayTiepNhan: '15/03/2024 08:30' }, 'NgayTiepNhan', /yyyyMMddHHmmss/],
    ['a date that does not exist', { NgayTiepNhan: '20240230083000' }, 'NgayTiepNhan', /exist/],
    ['an unknown status', { TrangThaiHoSo: '11' }, 'TrangThaiHoSo', /1-10/],
    ['an agency name instead of its code', { DonViXuLy: 'Sở Tư pháp' }, 'DonViXuLy', /agency code/],
    ['a channel outside 1-3', { HinhThuc: '0' }, 'HinhThuc', /1 \(in person\)/],
    ['no service level', { MucDoDVC: undefined }, 'MucDoDVC', /required.*online service level/],
    ['a finish without a status that ends', { NgayKetThucXuLy: '20240321160000' }, 'NgayKetThucXuLy', /must be empty while TrangThaiHoSo is 4/],
    ['resolved with no finish time', { TrangThaiHoSo: '9' }, 'NgayKetThucXuLy', /required when TrangThaiHoSo is 9/],
    ['returned with no return time', { TrangThaiHoSo: '10', NgayKetThucXuLy: '20240321160000' }, 'NgayTra', /required when TrangThaiHoSo is 10/],
    ['awaiting a supplement with none outstanding', { TrangThaiHoSo: '5' }, 'DanhSachHoSoBoSung', /outstanding request/],
    [
      'resolved with a supplement outstanding',
      { TrangThaiHoSo: '9', NgayKetThucXuLy: '20240321160000', DanhSachHoSoBoSung: [{ NgayBoSung: '20240318090000', NgayHenTraTruoc: '20240322170000' }] },
      'DanhSachHoSoBoSung.0.NgayTiepNhanBoSung',
      /required when TrangThaiHoSo is 9/,
    ],
    [
      'an online payment with no transaction',
      { DanhSachLePhi: [{ Gia: 1000, HinhThucThu: '2', NgayThanhToan: '20240315090000' }] },
      'DanhSachLePhi.0.MaGiaoDich',
      /required/,
    ],
    ['a due date before the receipt', { NgayHenTra: '20240314170000' }, 'NgayHenTra', /not be before/],
  ])('refuses %s, naming the field and the rule', (_what, patch, field, rule) => {
    const problems = problemsOf({ ...base, ...patch });
    const named = problems.find((p) => p.field === field);
    expect([field, named?.rule]).toEqual([field, expect.stringMatching(rule)]);
    // A rule's words never echo a personal value.
    expect(JSON.stringify(problems)).not.toMatch(/Nguyễn|0912345678/);
  });
});
