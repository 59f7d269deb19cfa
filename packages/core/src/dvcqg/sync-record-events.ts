import type { DossierEvent } from '../events/dossier-events';
import type { FieldProblem } from '../events/field-problem';
import { describeIssues, validateDossierEvent } from '../events/validation';
import { syncRecord, type SyncRecord, type SyncStatus } from './sync-record';
import { syncEventId } from './sync-event-id';
import { readSyncTime, type SyncTime } from './sync-time';

export type SyncTranslation =
  { readonly ok: true; readonly events: readonly DossierEvent[] } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

const CHANNELS = { '1': 'in-person', '2': 'online', '3': 'postal' } as const;
const LEVELS = { '0': 'none', '1': 'partial', '2': 'full-process' } as const;
const PLATFORM = 'payment-platform-dvcqg';

/** Statuses with a receipt: every one but submitted (1) and not accepted (3). */
const RECEIVED: ReadonlySet<SyncStatus> = new Set(['2', '4', '5', '6', '7', '8', '9', '10']);
/** Statuses of a dossier that ended, with or without a result: their end is dated by NgayKetThucXuLy. */
const ENDED: ReadonlySet<SyncStatus> = new Set(['3', '7', '8', '9', '10']);

/** Order of a record's events on the same second: as the lifecycle allows them to follow one another. */
const RANK: Readonly<Record<string, number>> = {
  'supplement-requested': 1,
  'supplement-received': 2,
  'paid-online': 3,
  processed: 4,
  'processing-stopped': 5,
  'handed-back': 5,
  withdrawn: 5,
  'result-returned': 6,
};

/** The record's field that an event's field was read from, to name it in a refusal. */
const RECORD_FIELD: Readonly<Record<string, string>> = {
  'data.dueDate': 'NgayHenTra',
  'data.newDueDate': 'DanhSachHoSoBoSung.NgayHenTraMoi',
  'data.refusedAt': 'NgayKetThucXuLy',
  'data.finishedAt': 'NgayKetThucXuLy',
  'data.returnedAt': 'NgayTra',
};

const time = (s: string | undefined): SyncTime | undefined => (s === undefined || s === '' ? undefined : readSyncTime(s));

/**
 * The lifecycle events a DVCQG sync record states, oldest first, or every rule it breaks, each
 * naming its field. Pure and stateless: a record states the dossier's whole history as far as it
 * goes (its receipt, every supplement and online payment in its lists, its end), and each fact gets
 * an id from the dossier and the change (`syncEventId`), so that records sent again, or out of
 * order, restate facts already stored and add nothing. The table in docs/dvcqg.md says field by
 * field what becomes of the record.
 */
export function eventsOfSyncRecord(kept: unknown, options: { readonly source: string }): SyncTranslation {
  const parsed = syncRecord.safeParse(kept);
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error.issues) };
  const record = parsed.data;
  const problems = recordProblems(record);
  if (problems.length > 0) return { ok: false, problems };
  const built = buildEvents(record, options.source);
  const events: DossierEvent[] = [];
  for (const event of built) {
    const checked = validateDossierEvent(event);
    if (!checked.ok) {
      return {
        ok: false,
        problems: checked.problems.map((p) => ({ field: RECORD_FIELD[p.field] ?? `${p.field} of the ${event.type} read from the record`, rule: p.rule })),
      };
    }
    events.push(event);
  }
  return { ok: true, events };
}

/** What a record must hold for its status, and what no record of that status may hold. */
function recordProblems(r: SyncRecord): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const status = r.TrangThaiHoSo;
  const need = (field: keyof SyncRecord, why: string) => {
    const v = r[field];
    if (v === undefined || v === '') problems.push({ field, rule: `is required when TrangThaiHoSo is ${status} (${why})` });
  };
  if (status === '1') return problems; // submitted, not yet received: nothing to count yet
  need('MaTTHC', 'the procedure is counted');
  need('DonViXuLy', 'the agency the dossier counts under');
  need('NgayTiepNhan', status === '3' ? 'the time of submission' : 'the time of receipt');
  if (RECEIVED.has(status)) {
    need('NgayHenTra', 'the due date');
    need('HinhThuc', 'the channel of submission');
    need('MucDoDVC', "the procedure's online service level, which the national record does not carry");
  }
  if (ENDED.has(status)) need('NgayKetThucXuLy', status === '9' || status === '10' ? 'when processing finished' : 'when the dossier ended');
  else if (time(r.NgayKetThucXuLy))
    problems.push({ field: 'NgayKetThucXuLy', rule: `must be empty while TrangThaiHoSo is ${status}: the dossier has not ended` });
  if (status === '10') need('NgayTra', 'when the result was returned');
  if (status === '3' && r.HinhThuc !== undefined && r.HinhThuc !== '2') {
    problems.push({ field: 'HinhThuc', rule: 'must be 2 (online) when TrangThaiHoSo is 3: only an online submission can be refused at reception' });
  }
  if (r.TraLai === '1' && status !== '8') problems.push({ field: 'TraLai', rule: `must be 0 or absent unless TrangThaiHoSo is 8 (it is ${status})` });

  const supplements = r.DanhSachHoSoBoSung ?? [];
  if (status === '3' && supplements.length > 0)
    problems.push({ field: 'DanhSachHoSoBoSung', rule: 'must be empty when TrangThaiHoSo is 3: the dossier was never received' });
  supplements.forEach((s, i) => {
    const open = !time(s.NgayTiepNhanBoSung);
    const last = i === supplements.length - 1;
    if (open && !last)
      problems.push({ field: `DanhSachHoSoBoSung.${i}.NgayTiepNhanBoSung`, rule: 'is required: a later supplement was requested, so this one arrived' });
    if (!open && !time(s.NgayHenTraMoi))
      problems.push({ field: `DanhSachHoSoBoSung.${i}.NgayHenTraMoi`, rule: 'is required once the supplement arrived: it restarts the clock' });
    if (last && open && status !== '5' && status !== '7' && status !== '8') {
      problems.push({
        field: `DanhSachHoSoBoSung.${i}.NgayTiepNhanBoSung`,
        rule: `is required when TrangThaiHoSo is ${status}: only a dossier awaiting a supplement (5), or ended without a result (7, 8), has one outstanding`,
      });
    }
  });
  if (status === '5' && (supplements.length === 0 || time(supplements[supplements.length - 1]?.NgayTiepNhanBoSung))) {
    problems.push({ field: 'DanhSachHoSoBoSung', rule: 'must end with an outstanding request (no NgayTiepNhanBoSung) when TrangThaiHoSo is 5' });
  }
  if (supplements.length > 0 && !time(supplements[0]?.NgayHenTraTruoc)) {
    problems.push({ field: 'DanhSachHoSoBoSung.0.NgayHenTraTruoc', rule: "is required: the due date before the first supplement is the receipt's due date" });
  }
  (r.DanhSachLePhi ?? []).forEach((f, i) => {
    if (f.HinhThucThu !== '2') return;
    if (f.MaGiaoDich === undefined)
      problems.push({ field: `DanhSachLePhi.${i}.MaGiaoDich`, rule: 'is required for an online payment (HinhThucThu 2): it names the payment' });
    if (!time(f.NgayThanhToan))
      problems.push({ field: `DanhSachLePhi.${i}.NgayThanhToan`, rule: 'is required for an online payment (HinhThucThu 2): the day it counts on' });
  });
  return problems;
}

/** The record's facts as current-version events: the receipt (or refusal) first, then the rest by time. */
function buildEvents(r: SyncRecord, source: string): DossierEvent[] {
  const status = r.TrangThaiHoSo;
  if (status === '1') return [];
  const subject = r.MaHoSo;
  const procedureCode = r.MaTTHC ?? '';
  const agency = r.DonViXuLy ?? '';
  const received = time(r.NgayTiepNhan);
  const ended = time(r.NgayKetThucXuLy);
  if (!received) return [];
  const envelope = (change: string, at: string) => ({ specversion: '1.0' as const, id: syncEventId(subject, change, at), source, subject, time: at });

  if (status === '3') {
    if (!ended) return [];
    return [
      {
        ...envelope('refused-at-reception', ended.instant),
        type: 'vn.gov.tthc.dossier.refused-at-reception.v1',
        data: { procedureCode, agencyCode: agency, submittedAt: received.instant, refusedAt: ended.instant },
      },
    ];
  }

  const supplements = r.DanhSachHoSoBoSung ?? [];
  const firstDue = supplements.length > 0 ? time(supplements[0]?.NgayHenTraTruoc) : time(r.NgayHenTra);
  const channel = CHANNELS[r.HinhThuc ?? '1'];
  const receipt: DossierEvent = {
    ...envelope('received', received.instant),
    type: 'vn.gov.tthc.dossier.received.v2',
    data: {
      procedureCode,
      receivingAgencyCode: agency,
      processingAgencyCode: agency,
      channel,
      onlineServiceLevel: LEVELS[r.MucDoDVC ?? '0'],
      receivedAt: received.instant,
      dueDate: firstDue?.day ?? '',
    },
  };

  const later: { readonly rank: number; readonly at: string; readonly event: DossierEvent }[] = [];
  const add = (change: string, kind: string, at: SyncTime, make: (env: ReturnType<typeof envelope>) => DossierEvent) =>
    later.push({ rank: RANK[kind] ?? 9, at: at.instant, event: make(envelope(change, at.instant)) });

  for (const s of supplements) {
    const asked = time(s.NgayBoSung);
    if (asked) {
      add(`supplement-requested/${asked.instant}`, 'supplement-requested', asked, (env) => ({
        ...env,
        type: 'vn.gov.tthc.dossier.supplement-requested.v1',
        data: { requestedAt: asked.instant },
      }));
    }
    const arrived = time(s.NgayTiepNhanBoSung);
    const newDue = time(s.NgayHenTraMoi);
    if (arrived && newDue) {
      add(`supplement-received/${arrived.instant}`, 'supplement-received', arrived, (env) => ({
        ...env,
        type: 'vn.gov.tthc.dossier.supplement-received.v1',
        data: { receivedAt: arrived.instant, newDueDate: newDue.day },
      }));
    }
  }
  for (const f of r.DanhSachLePhi ?? []) {
    const paid = time(f.NgayThanhToan);
    if (f.HinhThucThu !== '2' || !paid || f.MaGiaoDich === undefined) continue;
    const platform = f.NenTangThanhToan ?? PLATFORM;
    const transactionId = f.MaGiaoDich;
    add(`paid-online/${platform}/${transactionId}`, 'paid-online', paid, (env) => ({
      ...env,
      type: 'vn.gov.tthc.dossier.paid-online.v1',
      data: { transactionId, amountVnd: f.Gia, platform, paidAt: paid.instant },
    }));
  }
  if (ended) {
    if (status === '9' || status === '10') {
      add('processed', 'processed', ended, (env) => ({
        ...env,
        type: 'vn.gov.tthc.dossier.processed.v1',
        data: { outcome: r.KetQuaXuLy === '2' ? 'refused' : 'approved', finishedAt: ended.instant },
      }));
    } else if (status === '7') {
      add('withdrawn', 'withdrawn', ended, (env) => ({ ...env, type: 'vn.gov.tthc.dossier.withdrawn.v1', data: { withdrawnAt: ended.instant } }));
    } else if (status === '8' && r.TraLai === '1') {
      add('handed-back', 'handed-back', ended, (env) => ({ ...env, type: 'vn.gov.tthc.dossier.handed-back.v1', data: { handedBackAt: ended.instant } }));
    } else if (status === '8') {
      add('processing-stopped', 'processing-stopped', ended, (env) => ({
        ...env,
        type: 'vn.gov.tthc.dossier.processing-stopped.v1',
        data: { stoppedAt: ended.instant },
      }));
    }
  }
  const returned = time(r.NgayTra);
  if (status === '10' && returned) {
    add('result-returned', 'result-returned', returned, (env) => ({
      ...env,
      type: 'vn.gov.tthc.dossier.result-returned.v1',
      data: { returnedAt: returned.instant, channel: CHANNELS[r.HinhThucTra ?? r.HinhThuc ?? '1'] },
    }));
  }
  later.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.rank - b.rank);
  return [receipt, ...later.map((l) => l.event)];
}
