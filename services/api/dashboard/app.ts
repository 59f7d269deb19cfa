// The dashboard's script: it reads the API of the server that serves it, with the token the user
// gives (kept for the browser tab only), and draws the figures as the province's report formats them.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import type { z } from 'zod';
import type { DailyCountsReport } from '../../../packages/core/src/report/daily-counts-report';
import { formatCount, formatPercent } from '../../../packages/core/src/report/format-vietnamese';
import { onlineShare } from '../../../packages/core/src/report/percent';
import { LEVEL_NAMES, reportRows, type ReportRow } from '../../../packages/core/src/report/report-rows';
import type { problemResponse, redriveResponse, reportResponse, statusResponse } from '../src/schemas';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

type Report = z.output<typeof reportResponse>;
type Status = z.output<typeof statusResponse>;
type Problem = z.output<typeof problemResponse>;

const TOKEN_KEY = 'tthc-token';
const STATUS_EVERY_MS = 5000;

/** The page's element `id`, of the kind given (any element when none is). */
function $<T extends HTMLElement = HTMLElement>(id: string, kind?: new () => T): T {
  const element = document.getElementById(id);
  if (!element || !(element instanceof (kind ?? HTMLElement))) throw new Error(`the page has no ${kind?.name ?? 'element'} #${id}`);
  return element as T;
}

/** An answer the API refused: its problem's detail, in the user's words where the code is known. */
class ApiRefusal extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

const REFUSALS: Partial<Record<string, string>> = {
  UNAUTHENTICATED: 'Cần mã truy cập hợp lệ',
  FORBIDDEN: 'Mã truy cập này chỉ được xem, không được thực hiện thao tác này',
  ACTIONS_DISABLED: 'Máy chủ chỉ cho phép xem: chưa cấu hình mã truy cập của người vận hành',
  RATE_LIMITED: 'Quá nhiều yêu cầu, vui lòng thử lại sau',
  ACTION_RUNNING: 'Thao tác này đang chạy',
  NO_REGISTRY: 'Kho dữ liệu chưa có danh mục cơ quan',
};
const describeRefusal = (error: unknown): string =>
  error instanceof ApiRefusal
    ? `${REFUSALS[error.problem.code] ?? 'Yêu cầu bị từ chối'} (${error.problem.code}: ${error.problem.detail})`
    : `Không kết nối được máy chủ (${String(error)})`;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await fetch(path, { ...init, headers });
  const body: unknown = await response.json();
  if (!response.ok) throw new ApiRefusal(body as Problem);
  return body as T;
}

// ---- Period ------------------------------------------------------------------------------------

/** Half-years and quarters from 2020 to this year, newest first, in Vietnamese. */
function periodChoices(now: Date): { value: string; label: string }[] {
  const choices: { value: string; label: string }[] = [];
  for (let year = now.getFullYear(); year >= 2020; year -= 1) {
    choices.push({ value: `${year}`, label: `Năm ${year}` });
    choices.push({ value: `${year}-H2`, label: `6 tháng cuối năm ${year}` }, { value: `${year}-H1`, label: `6 tháng đầu năm ${year}` });
    for (let q = 4; q >= 1; q -= 1) choices.push({ value: `${year}-Q${q}`, label: `Quý ${['I', 'II', 'III', 'IV'][q - 1] ?? q} năm ${year}` });
  }
  return choices;
}

/** The query of the period the user picked: a named period, or from/to days. */
function selectedPeriod(): URLSearchParams {
  const from = $('from', HTMLInputElement).value;
  const to = $('to', HTMLInputElement).value;
  if (from !== '' && to !== '') return new URLSearchParams({ from, to });
  return new URLSearchParams({ period: $('period', HTMLSelectElement).value });
}

const halfYearOf = (d: Date): string => `${d.getFullYear()}-H${d.getMonth() < 6 ? 1 : 2}`;

// ---- Report ------------------------------------------------------------------------------------

/** A table row of text cells (in `tr` when given). */
function cellRow(cells: readonly string[], tr = document.createElement('tr')): HTMLTableRowElement {
  tr.replaceChildren(
    ...cells.map((text) => {
      const td = document.createElement('td');
      td.textContent = text;
      return td;
    }),
  );
  return tr;
}

const charts = new Map<string, Chart>();
/** Levels whose agencies the user opened; kept across periods. */
const openLevels = new Set<string>();

function toggleLevel(level: string): void {
  if (openLevels.has(level)) openLevels.delete(level);
  else openLevels.add(level);
  const open = openLevels.has(level);
  for (const tr of document.querySelectorAll<HTMLTableRowElement>(`#figures tr[data-under="${level}"]`)) tr.hidden = !open;
  document.querySelector(`#figures tr[data-level="${level}"]`)?.setAttribute('aria-expanded', String(open));
}

function drawChart(id: string, config: ChartConfiguration<'bar'>): void {
  charts.get(id)?.destroy();
  charts.set(id, new Chart($(id, HTMLCanvasElement), config));
}

const countTicks = { precision: 0, callback: (value: string | number) => formatCount(Number(value)) };

function showReport(report: Report): void {
  const asReport: DailyCountsReport = { ...report, agencies: report.agencies ?? [], periodHasEvents: true };
  const rows = reportRows(asReport, 'agency');
  const behind = report.asOf.eventsBehind ?? 0;
  const [from, to] = [report.period.from, report.period.to].map((d) => d.split('-').reverse().join('/'));
  $('report-meta').textContent =
    `Từ ngày ${from ?? ''} đến ngày ${to ?? ''}; số liệu tính đến sự kiện thứ ${formatCount(report.asOf.eventsRead ?? 0)} của nhật ký` +
    (behind > 0 ? `, còn ${formatCount(behind)} sự kiện chưa được tổng hợp.` : '.');
  const tbody = $('figures').querySelector('tbody');
  if (!tbody) return;
  tbody.replaceChildren(
    ...rows.map((row) => {
      const f = row.figures;
      const tr = document.createElement('tr');
      tr.className = row.kind;
      if (row.kind === 'agency') {
        tr.dataset.agency = row.agencyCode;
        // Under its level, folded until the level's row is opened: a province has hundreds of communes.
        tr.dataset.under = row.level ?? 'none';
        tr.hidden = !openLevels.has(row.level ?? 'none');
      }
      if (row.kind === 'level') {
        tr.dataset.level = row.level;
        tr.setAttribute('aria-expanded', String(openLevels.has(row.level)));
        tr.title = 'Bấm để xem hoặc ẩn từng cơ quan';
        tr.addEventListener('click', () => toggleLevel(row.level));
      }
      const cells = [
        row.label,
        formatCount(f.carriedOver),
        formatCount(f.received),
        formatCount(f.receivedOnline),
        formatPercent(onlineShare(f)),
        formatCount(f.resolved),
        formatCount(f.resolvedEarly),
        formatCount(f.resolvedOnDueDay),
        formatCount(f.resolvedLate),
        formatPercent(f.onTimeRate),
        formatPercent(f.fullProcessOnline.rate),
        formatCount(f.onlinePayments.count),
        formatCount(f.onlinePayments.amount),
        formatCount(f.inProgressAtEnd.notDue + f.inProgressAtEnd.overdue),
      ];
      return cellRow(cells, tr);
    }),
  );

  const levels = rows.filter((r): r is Extract<ReportRow, { kind: 'level' }> => r.kind === 'level');
  const labels = levels.map((r) => LEVEL_NAMES[r.level]);
  const figures = levels.map((r) => r.figures);
  drawChart('chart-resolved', {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Trước hạn', data: figures.map((f) => f.resolvedEarly), backgroundColor: '#15803d' },
        { label: 'Đúng hạn', data: figures.map((f) => f.resolvedOnDueDay), backgroundColor: '#2563eb' },
        { label: 'Quá hạn', data: figures.map((f) => f.resolvedLate), backgroundColor: '#dc2626' },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, ticks: countTicks } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatCount(Number(item.raw))}` } } },
    },
  });
  drawChart('chart-online', {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Tiếp nhận trực tuyến', data: figures.map((f) => onlineShare(f) ?? 0), backgroundColor: '#7c3aed' },
        { label: 'Giải quyết trực tuyến toàn trình', data: figures.map((f) => f.fullProcessOnline.rate ?? 0), backgroundColor: '#0891b2' },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (value) => formatPercent(Number(value)) } } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatPercent(Number(item.raw))}` } } },
    },
  });
}

function message(text: string | null): void {
  const p = $('message');
  p.hidden = text === null;
  p.textContent = text ?? '';
}

async function loadReport(query: URLSearchParams): Promise<Report> {
  query.set('by', 'agency');
  return api<Report>(`/api/v1/report?${query.toString()}`);
}

async function refreshReport(): Promise<void> {
  try {
    const query = selectedPeriod();
    showReport(await loadReport(query));
    history.replaceState(null, '', `?${query.toString()}`);
    message(null);
  } catch (error) {
    message(describeRefusal(error));
  }
}

/** With no period in the address: the latest half-year in which dossiers were received, in the last six years. */
async function firstPeriod(): Promise<void> {
  const select = $('period', HTMLSelectElement);
  let day = new Date();
  for (let tries = 0; tries < 12; tries += 1) {
    select.value = halfYearOf(day);
    try {
      const report = await loadReport(new URLSearchParams({ period: select.value }));
      if (report.total.received > 0) {
        await refreshReport();
        return;
      }
    } catch {
      break;
    }
    day = new Date(day.getFullYear(), day.getMonth() - 6, 1);
  }
  select.value = halfYearOf(new Date());
  await refreshReport();
}

// ---- Status --------------------------------------------------------------------------------------

const seconds = (s: number): string =>
  s < 60 ? `${formatCount(s)} giây` : s < 3600 ? `${formatCount(Math.round(s / 60))} phút` : `${formatCount(Math.round(s / 360) / 10)} giờ`;

function showStatus(status: Status): void {
  $('status-time').textContent = `cập nhật lúc ${new Date().toLocaleTimeString('vi-VN')}`;
  $('projections').replaceChildren(
    ...Object.entries(status.projections).map(([name, p]) => {
      const li = document.createElement('li');
      li.dataset.projection = name;
      if (p === null) li.textContent = `${name}: chưa tổng hợp`;
      else {
        const lag = p.lag.events === 0 ? 'đã cập nhật hết' : `chậm ${formatCount(p.lag.events)} sự kiện (${seconds(p.lag.seconds)})`;
        const building = p.building
          ? `; đang dựng lại phiên bản ${p.building.version}: ${formatPercent(p.building.percent)}` +
            (p.building.etaSeconds !== null ? `, còn khoảng ${seconds(p.building.etaSeconds)}` : '')
          : '';
        li.textContent = `${name} phiên bản ${p.version ?? '–'}: đã đọc ${formatCount(p.events)} sự kiện, ${lag}${building}`;
      }
      return li;
    }),
  );
  const sources = Object.entries(status.ingest.sources).map(([source, c]) =>
    cellRow([source, formatCount(c.consumed), formatCount(c.appended), formatCount(c.duplicates), formatCount(c.deadLettered), formatCount(c.parked)]),
  );
  const t = status.ingest.total;
  $('conservation')
    .querySelector('tbody')
    ?.replaceChildren(...sources, cellRow(['Tổng', ...[t.consumed, t.appended, t.duplicates, t.deadLettered, t.parked].map(formatCount)]));
  const balance = $('balance');
  balance.textContent = status.ingest.balanced ? 'Cân đối: nhận = lưu + trùng + lỗi + chờ' : 'Không cân đối: nhận ≠ lưu + trùng + lỗi + chờ';
  balance.className = status.ingest.balanced ? 'good' : 'bad';
  const names: Record<string, string> = { dead: 'Lỗi', parked: 'Chờ', resolved: 'Đã xử lý' };
  const letters =
    status.letters.length > 0
      ? status.letters.map((l) => cellRow([names[l.status] ?? l.status, l.reason, formatCount(l.count)]))
      : [cellRow(['–', 'Không có thư lỗi', '0'])];
  $('letters')
    .querySelector('tbody')
    ?.replaceChildren(...letters);
}

async function refreshStatus(): Promise<void> {
  try {
    showStatus(await api<Status>('/api/v1/status'));
  } catch (error) {
    $('status-time').textContent = describeRefusal(error);
  }
}

// ---- Operator actions ------------------------------------------------------------------------------

async function act(button: HTMLButtonElement, run: () => Promise<string>): Promise<void> {
  const result = $('action-result');
  button.disabled = true;
  try {
    result.textContent = await run();
    result.className = 'good';
  } catch (error) {
    result.textContent = describeRefusal(error);
    result.className = 'bad';
  } finally {
    button.disabled = false;
    void refreshStatus();
  }
}

const post = <T>(path: string): Promise<T> => api<T>(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

// ---- Start -------------------------------------------------------------------------------------------

/** Whether the address or the user named a period; until then the page shows the latest one with figures. */
let periodChosen = false;

function start(): void {
  const select = $('period', HTMLSelectElement);
  select.replaceChildren(...periodChoices(new Date()).map((c) => new Option(c.label, c.value)));
  const params = new URLSearchParams(location.search);
  const tokenRequired = document.body.dataset.tokenRequired === 'true';
  const tokenState = $('token-state');
  const showToken = () => (tokenState.textContent = sessionStorage.getItem(TOKEN_KEY) ? 'đã nhập mã' : tokenRequired ? 'cần mã truy cập để xem' : '');
  showToken();

  $('period-form').addEventListener('submit', (event) => {
    event.preventDefault();
    periodChosen = true;
    void refreshReport();
  });
  select.addEventListener('change', () => {
    $('from', HTMLInputElement).value = '';
    $('to', HTMLInputElement).value = '';
  });
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('token', HTMLInputElement);
    if (input.value.trim() === '') sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    showToken();
    // A period the address or the user chose stays; else the latest one with figures, as on opening.
    void (periodChosen ? refreshReport() : firstPeriod());
    void refreshStatus();
  });
  $('redrive', HTMLButtonElement).addEventListener('click', (event) => {
    void act(event.currentTarget as HTMLButtonElement, async () => {
      const r = await post<z.output<typeof redriveResponse>>('/api/v1/dead-letters/redrive');
      return `Đã xử lý lại ${formatCount(r.letters)} thư: ${formatCount(r.appended)} được lưu, ${formatCount(r.duplicate)} trùng, ${formatCount(r.dead)} vẫn lỗi, ${formatCount(r.parked)} chờ.`;
    });
  });
  $('replay', HTMLButtonElement).addEventListener('click', (event) => {
    void act(event.currentTarget as HTMLButtonElement, async () => {
      await post('/api/v1/projections/daily-counts/replay');
      return 'Đã bắt đầu dựng lại số liệu; tiến độ hiển thị ở trên.';
    });
  });

  // The period in the address first, so that it holds once a token is given.
  const from = params.get('from');
  const to = params.get('to');
  const period = params.get('period');
  if (from !== null && to !== null) {
    $('from', HTMLInputElement).value = from;
    $('to', HTMLInputElement).value = to;
  } else if (period !== null) select.value = period;
  periodChosen = (from !== null && to !== null) || period !== null;
  if (!periodChosen) select.value = halfYearOf(new Date());
  setInterval(() => void refreshStatus(), STATUS_EVERY_MS);
  if (tokenRequired && !sessionStorage.getItem(TOKEN_KEY)) {
    message('Máy chủ này cần mã truy cập để xem số liệu: nhập mã rồi bấm Lưu.');
    return;
  }
  if (periodChosen) void refreshReport();
  else void firstPeriod();
  void refreshStatus();
}

start();
