import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgencyRegistry, type AgencyRegistry, type EventStore, type IngestStore } from '@tthc/core';
import { createLogger } from '@tthc/logging';
import { openPostgresStores } from '@tthc/store-postgres';
import { openSqliteStores } from '@tthc/store-sqlite';
import { createTestDatabase, DEMO_SOURCE, demoRegistry } from '@tthc/test-support';
import { ingestFile } from './ingest-file';
import { redriveDeadLetters } from './redrive-letters';

const logger = createLogger({ level: 'silent' });
const AGENCY = '000.00.01.H36';

function registry(): AgencyRegistry {
  const loaded = loadAgencyRegistry(demoRegistry());
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.registry;
}

/** A dossier's record as a one-stop-shop system posts it, its applicant included. */
const record = (code: string, patch: Record<string, unknown> = {}) => ({
  MaHoSo: code,
  MaTTHC: '1.002835',
  ChuHoSo: 'Nguyễn Văn An',
  SoDienThoai: '0912345678',
  Email: 'an.nguyen@example.vn',
  TrichYeuHoSo: 'Hồ sơ của ông Nguyễn Văn An, số 12 đường Lê Lợi',
  NgayTiepNhan: '20240315083000',
  NgayHenTra: '20240322000000',
  TrangThaiHoSo: '4',
  HinhThuc: '2',
  DonViXuLy: AGENCY,
  MucDoDVC: '2',
  NgayKetThucXuLy: '',
  NgayTra: '',
  ...patch,
});
const PERSONAL = ['Nguyễn Văn An', '0912345678', 'example.vn', 'Lê Lợi'];

const asked = {
  NgayBoSung: '20240318090000',
  NgayTiepNhanBoSung: '',
  NgayHenTraTruoc: '20240322000000',
  NgayHenTraMoi: '',
  NguoiYeuCauBoSung: 'Nguyễn Văn An',
};
const answered = { ...asked, NgayTiepNhanBoSung: '20240320100000', NgayHenTraMoi: '20240329000000' };
const paid = { MaPhiLePhi: 'LP1', Gia: 50_000, HinhThucThu: '2', MaGiaoDich: 'TX-1', NgayThanhToan: '20240315090000' };

/** One dossier's life: received, a supplement asked and answered, a fee paid, resolved and returned; 5 records, 6 facts. */
const life = (code: string) => [
  record(code),
  record(code, { TrangThaiHoSo: '5', DanhSachHoSoBoSung: [asked] }),
  record(code, { TrangThaiHoSo: '4', NgayHenTra: '20240329000000', DanhSachHoSoBoSung: [answered], DanhSachLePhi: [paid] }),
  record(code, { TrangThaiHoSo: '9', NgayHenTra: '20240329000000', NgayKetThucXuLy: '20240327160000', DanhSachHoSoBoSung: [answered], DanhSachLePhi: [paid] }),
  record(code, {
    TrangThaiHoSo: '10',
    NgayHenTra: '20240329000000',
    NgayKetThucXuLy: '20240327160000',
    NgayTra: '20240328090000',
    DanhSachHoSoBoSung: [answered],
    DanhSachLePhi: [paid],
  }),
];

interface Stores {
  readonly eventStore: EventStore;
  readonly ingestStore: IngestStore;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'tthc-sync-door-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describe.each([
  [
    'sqlite',
    (): Promise<Stores> => {
      const s = openSqliteStores(join(dir, `store-${(files += 1)}.sqlite`));
      return Promise.resolve({ eventStore: s.eventStore, ingestStore: s.ingestStore, close: () => Promise.resolve(s.close()) });
    },
  ],
  [
    'postgres',
    async (): Promise<Stores> => {
      const db = await createTestDatabase();
      const s = await openPostgresStores(db.url, { poolSize: 4 });
      return { eventStore: s.eventStore, ingestStore: s.ingestStore, close: async () => (await s.close(), await db.drop()) };
    },
  ],
])('the DVCQG sync door into %s', (_name, open) => {
  let stores: Stores;
  beforeEach(async () => {
    stores = await open();
  });
  afterEach(() => stores.close());

  const ingest = (lines: readonly unknown[], batchSize = 3) => {
    const file = join(dir, `feed-${(files += 1)}.ndjson`);
    writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'));
    let records = { records: 0, translated: 0, refused: 0, events: 0 };
    const door = { format: 'dvcqg' as const, source: DEMO_SOURCE };
    return ingestFile(file, { ...stores, registry: registry() }, { logger, batchSize, door, onRecords: (t) => (records = t) }).then((events) => ({
      events,
      records,
    }));
  };
  const stored = async () =>
    (await stores.eventStore.readAll({ limit: 1000 })).map((e) => `${e.streamId} ${e.type.replace(/^vn\.gov\.tthc\.dossier\.|\.v\d$/g, '')}`);

  it('stores each fact once, whether records come again, out of order, or split across batches', async () => {
    const [r1, r2, r3, r4, r5] = life('H36-2024-000001');
    const first = await ingest([r1, r3, r2, r1, r5, r4, r3]);
    expect(first.records).toEqual({ records: 7, translated: 7, refused: 0, events: first.events.consumed });
    // Received, paid, a supplement asked and answered, processed, returned: the 3rd record already states the first four, in time order.
    expect(first.events).toMatchObject({ appended: 6, duplicates: first.events.consumed - 6, deadLettered: 0, parked: 0 });
    expect(await stored()).toEqual(
      ['received', 'paid-online', 'supplement-requested', 'supplement-received', 'processed', 'result-returned'].map((t) => `dossier-H36-2024-000001 ${t}`),
    );
    // The whole life sent again: nothing new.
    const again = await ingest([r1, r2, r3, r4, r5], 10);
    expect(again.events).toMatchObject({ appended: 0, duplicates: again.events.consumed, deadLettered: 0 });
    await expect(stores.ingestStore.recordCounts()).resolves.toEqual(
      new Map([['file:dvcqg', { records: 12, translated: 12, refused: 0, events: first.events.consumed + again.events.consumed }]]),
    );
    await expect(stores.ingestStore.counts()).resolves.toEqual(
      new Map([
        [
          'file:dvcqg',
          {
            consumed: first.events.consumed + again.events.consumed,
            appended: 6,
            duplicates: first.events.consumed + again.events.consumed - 6,
            deadLettered: 0,
            parked: 0,
          },
        ],
      ]),
    );
  });

  it('refuses what it cannot read, with the field and the rule, keeping nothing of the applicant; an unknown agency and an impossible jump are letters of the events', async () => {
    const cutOff = '{"MaHoSo": "H36-2024-000003", "ChuHoSo": "Nguyễn Văn An", cut off';
    const lines = [
      record('H36-2024-000002', { NgayTiepNhan: '15/03/2024 08:30' }),
      cutOff,
      record('H36-2024-000004', { DonViXuLy: '000.99.99.H36' }),
      record('H36-2024-000005', { TrangThaiHoSo: '7', NgayKetThucXuLy: '20240316100000' }),
      record('H36-2024-000005', { TrangThaiHoSo: '9', NgayKetThucXuLy: '20240320100000' }),
    ];
    const { events, records } = await ingest(lines);
    // 000004's receipt; 000005's receipt, withdrawal and a finish after the withdrawal (its receipt, stated twice in one batch, handed on once).
    expect(records).toEqual({ records: 5, translated: 3, refused: 2, events: 4 });
    expect(events).toEqual({ consumed: 4, appended: 2, duplicates: 0, deadLettered: 2, parked: 0 });
    const letters = await stores.ingestStore.listLetters();
    // In a batch, the letters of the events come before those of the records refused.
    expect(letters.map((l) => [l.dossierCode, l.reason])).toEqual([
      ['H36-2024-000004', 'unknown-agency'],
      ['H36-2024-000002', 'invalid-sync-record'],
      [null, 'invalid-json'],
      ['H36-2024-000005', 'lifecycle-violation'],
    ]);
    expect(letters[1]?.message).toMatch(/^NgayTiepNhan: must be a local time yyyyMMddHHmmss/);
    expect(letters[3]?.message).toMatch(/processed/);
    const kept = letters.map((l) => Buffer.from(l.value).toString('utf8') + l.message);
    for (const secret of PERSONAL) expect([secret, kept.some((k) => k.includes(secret))]).toEqual([secret, false]);
    expect(JSON.parse(Buffer.from(letters[2]?.value ?? new Uint8Array()).toString('utf8'))).toEqual({
      door: 'dvcqg',
      source: DEMO_SOURCE,
      unreadable: { reason: 'invalid-json', bytes: Buffer.byteLength(cutOff) },
    });
  });

  it('redrives a refused record through the door again: read now, it is resolved and its events stored; refused again, it stays dead', async () => {
    await ingest([record('H36-2024-000006', { MucDoDVC: undefined })]);
    // A letter the door's rules of an earlier version refused, whose record reads today.
    const kept = {
      door: 'dvcqg',
      source: DEMO_SOURCE,
      record: { ...record('H36-2024-000007'), ChuHoSo: undefined, SoDienThoai: undefined, Email: undefined, TrichYeuHoSo: undefined },
    };
    await stores.ingestStore.recordLetters([
      {
        origin: 'earlier:1',
        key: null,
        value: Buffer.from(JSON.stringify(kept)),
        reason: 'invalid-sync-record',
        message: 'MucDoDVC: …',
        dossierCode: 'H36-2024-000007',
        status: 'dead',
      },
    ]);
    await stores.ingestStore.addRecordCounts('earlier', { records: 1, translated: 0, refused: 1, events: 0 });
    const summary = await redriveDeadLetters(stores, registry(), { limit: 10 });
    expect(summary).toEqual({ letters: 2, appended: 1, duplicate: 0, dead: 1, parked: 0 });
    const letters = await stores.ingestStore.listLetters({ limit: 10 });
    expect(letters.map((l) => [l.dossierCode, l.status, l.reason])).toEqual([
      ['H36-2024-000006', 'dead', 'invalid-sync-record'],
      ['H36-2024-000007', 'resolved', 'invalid-sync-record'],
    ]);
    expect(await stored()).toEqual(['dossier-H36-2024-000007 received']);
    // Each record counted once: the one read now moved from refused to read.
    const records = [...(await stores.ingestStore.recordCounts()).values()].reduce((a, r) => ({
      records: a.records + r.records,
      translated: a.translated + r.translated,
      refused: a.refused + r.refused,
      events: a.events + r.events,
    }));
    expect(records).toEqual({ records: 2, translated: 1, refused: 1, events: 1 });
  });

  it('keeps one letter for a refused fact, however many records restate it', async () => {
    const unknown = { DonViXuLy: '000.99.99.H36' };
    const lines = [
      record('H36-2024-000008', unknown),
      record('H36-2024-000008', { ...unknown, TrangThaiHoSo: '9', NgayKetThucXuLy: '20240320100000' }),
      record('H36-2024-000008', { ...unknown, TrangThaiHoSo: '10', NgayKetThucXuLy: '20240320100000', NgayTra: '20240321100000' }),
    ];
    const { events } = await ingest(lines, 1);
    // The receipt is refused once, restated twice; the finish waits (parked) for a receipt, restated once; the return waits too.
    expect(events).toEqual({ consumed: 6, appended: 0, duplicates: 3, deadLettered: 1, parked: 2 });
    const letters = await stores.ingestStore.listLetters({ limit: 10 });
    expect(letters.map((l) => [l.reason, l.status])).toEqual([
      ['unknown-agency', 'dead'],
      ['parked-lifecycle', 'parked'],
      ['parked-lifecycle', 'parked'],
    ]);
  });

  it('keeps the first receipt when a later record moves the due date without a supplement, and says so in one letter', async () => {
    const lines = [
      record('H36-2024-000009'),
      // An apology's new date written over NgayHenTra: the record cannot tell it from a corrected receipt.
      record('H36-2024-000009', { NgayHenTra: '20240405000000', TrangThaiHoSo: '9', NgayKetThucXuLy: '20240403100000' }),
    ];
    const { events } = await ingest(lines, 1);
    expect(events).toMatchObject({ appended: 2, deadLettered: 1 });
    const letters = await stores.ingestStore.listLetters({ limit: 10 });
    expect(letters.map((l) => [l.reason, l.dossierCode, l.message])).toEqual([
      ['duplicate-id-conflict', 'H36-2024-000009', expect.stringMatching(/already stored with different content/)],
    ]);
    const [receipt] = await stores.eventStore.readAll({ limit: 10 });
    expect(receipt?.data).toMatchObject({ dueDate: '2024-03-22' });
  });
});
