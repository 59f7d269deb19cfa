import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { appendDataset, generateDemoDataset } from '@tthc/test-support';
import { formatCount, formatPercent, LEVEL_NAMES, percentHalfUp, type AgencyLevel } from '@tthc/core';
import { loadProfile, scaleProfile, type SimulationProfile } from '@tthc/simulator';
import { hashToken } from './access';
import { profileStore, serverOn, type Served } from './api-test-store.helper.test';

/**
 * The dashboard in a real headless Chromium (Debian's package, driven by playwright-core), over a
 * server on the Lâm Đồng H1 2024 profile: at ×0.02 in `pnpm test`, whole in `pnpm test:full`, where
 * the page shows the seed report's own figures.
 */
const SCALE = Number(process.env.TTHC_PROFILE_SCALE ?? '0.02');
const CHROMIUM = process.env.TTHC_CHROMIUM ?? '/usr/bin/chromium';
jest.setTimeout(SCALE === 1 ? 20 * 60_000 : 120_000);

const READER = 'tthc_dashboard-reader-000000000000000000000000000';
const OPERATOR = 'tthc_dashboard-operator-0000000000000000000000000';

function profileAt(scale: number): SimulationProfile {
  const loaded = loadProfile(JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/profiles/lam-dong-2024-h1.json'), 'utf8')));
  if (!loaded.ok) throw new Error(`fixture: ${JSON.stringify(loaded.problems)}`);
  if (scale === 1) return loaded.profile;
  const scaled = scaleProfile(loaded.profile, scale);
  if (!scaled.ok) throw new Error(`scaled fixture: ${JSON.stringify(scaled.problems)}`);
  return scaled.profile;
}

/** The cells of the figures table's row whose first cell starts with `label`. */
async function rowCells(page: Page, selector: string): Promise<string[]> {
  return page.locator(`#figures ${selector} td`).allTextContents();
}

/** How many pixels of a canvas are drawn in this colour (the bars of a series). */
async function pixelsOf(page: Page, canvas: string, rgb: readonly [number, number, number]): Promise<number> {
  // Runs in the page (whose types this Node project does not have), so it is given as text.
  const counted: unknown = await page.evaluate(`(() => {
    const element = document.getElementById(${JSON.stringify(canvas)});
    const data = element.getContext('2d').getImageData(0, 0, element.width, element.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === ${rgb[0]} && data[i + 1] === ${rgb[1]} && data[i + 2] === ${rgb[2]}) n += 1;
    return n;
  })()`);
  return Number(counted);
}

/** What `read` gives once it meets `done`, asked again every 100 ms; the last answer when time runs out. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const COLUMNS = {
  received: 2,
  online: 3,
  onlineShare: 4,
  resolved: 5,
  early: 6,
  onDueDay: 7,
  late: 8,
  onTimeRate: 9,
  fullProcessRate: 10,
  payments: 11,
} as const;

describe(`the dashboard in Chromium, Lâm Đồng H1 2024${SCALE === 1 ? ', full size' : ` ×${SCALE}`}`, () => {
  const profile = profileAt(SCALE);
  let store: Awaited<ReturnType<typeof profileStore>>;
  let api: Served;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: bash infra/chromium/ensure.sh installs Debian's package (set TTHC_CHROMIUM for another path)`);
    store = await profileStore('sqlite', SCALE);
    api = await serverOn(store.url, {
      tokens: [
        { name: 'reader-binh', role: 'reader', sha256: hashToken(READER) },
        { name: 'ops-an', role: 'operator', sha256: hashToken(OPERATOR) },
      ],
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Root in CI has no sandbox; the rest keeps Chromium off a network it does not have.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'vi-VN' });
    page.on('pageerror', (error) => problems.push(error.message));
    // Anything the page asks of another host is a fault: it must bundle all it needs.
    page.on('request', (request) => {
      if (!request.url().startsWith(api.base)) problems.push(`requested ${request.url()}`);
    });
  });
  afterAll(async () => {
    await browser.close();
    await api.close();
    await store.dispose();
  });
  afterEach(async () => {
    if (process.env.TTHC_DASHBOARD_SCREENSHOTS !== undefined)
      await page.screenshot({
        path: join(process.env.TTHC_DASHBOARD_SCREENSHOTS || tmpdir(), `dashboard-${expect.getState().currentTestName?.replace(/\W+/g, '-') ?? 'page'}.png`),
        fullPage: true,
      });
  });

  it('asks for a token first, then shows the seed report’s figures by level in Vietnamese formatting', async () => {
    await page.goto(`${api.base}/dashboard/?period=2024-H1`);
    await page.locator('#message').getByText('cần mã truy cập').waitFor();
    await page.fill('#token', READER);
    await page.click('#token-form button');
    await page.locator('#figures tr.total').waitFor();
    for (const level of ['province', 'district', 'commune'] as const satisfies readonly AgencyLevel[]) {
      const given = profile.levels[level];
      if (!given) throw new Error(`the profile has no ${level}`);
      const cells = await rowCells(page, `tr[data-level="${level}"]`);
      expect(cells[0]).toBe(`${LEVEL_NAMES[level]} (${formatCount(given.agencies)})`);
      expect(cells[COLUMNS.resolved]).toBe(formatCount(given.resolved));
      expect(cells[COLUMNS.onTimeRate]).toBe(formatPercent(percentHalfUp(given.resolvedOnTime, given.resolved)));
    }
    const total = await rowCells(page, 'tr.total');
    expect(total[0]).toBe('Tổng cộng');
    expect(total[COLUMNS.online]).toBe(formatCount(profile.receivedOnline ?? 0));
    expect(total[COLUMNS.payments]).toBe(formatCount(profile.onlinePayments ?? 0));
    const fp = profile.fullProcessOnline;
    expect(total[COLUMNS.fullProcessRate]).toBe(formatPercent(percentHalfUp(fp?.resolvedOnline ?? 0, fp?.resolved ?? 0)));
    if (SCALE === 1) expect([total[COLUMNS.resolved], (await rowCells(page, 'tr[data-level="province"]'))[COLUMNS.onTimeRate]]).toEqual(['385.110', '96,02%']);
    // Each agency is under its level, folded until the level is opened.
    expect(await page.locator('#figures tr.agency[data-under="province"]').first().isHidden()).toBe(true);
    await page.click('#figures tr[data-level="province"]');
    expect(await page.locator('#figures tr.agency[data-under="province"]:visible').count()).toBe(profile.levels.province?.agencies);
  });

  it('opens, without a period in the address, on the latest half-year in which dossiers were received', async () => {
    const other = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await other.goto(`${api.base}/dashboard/`);
      await other.fill('#token', READER);
      await other.click('#token-form button');
      await other.waitForURL(/period=2024-H1/);
      expect(await other.inputValue('#period')).toBe('2024-H1');
      expect(await other.textContent('#report-meta')).toContain('Từ ngày 01/01/2024 đến ngày 30/06/2024');
    } finally {
      await other.close();
    }
  });

  it('draws the charts with the bundled library', async () => {
    // The three series of resolved dossiers, each in its colour; the page fetched nothing from elsewhere.
    for (const colour of [
      [21, 128, 61],
      [37, 99, 235],
      [220, 38, 38],
    ] as const)
      expect(await pixelsOf(page, 'chart-resolved', colour)).toBeGreaterThan(100);
    expect(await pixelsOf(page, 'chart-online', [124, 58, 237])).toBeGreaterThan(100);
    expect(problems).toEqual([]);
  });

  it('changes the figures when another period is picked', async () => {
    const before = await rowCells(page, 'tr.total');
    await page.selectOption('#period', '2024-Q1');
    await page.click('#period-form button');
    await page.waitForURL(/period=2024-Q1/);
    await eventually(
      () => rowCells(page, 'tr.total'),
      (cells) => cells[COLUMNS.received] !== before[COLUMNS.received],
    );
    const q1 = (await api.request('GET', '/api/v1/report?period=2024-Q1', { authorization: `Bearer ${READER}` })).json<{
      total: { received: number; resolved: number };
    }>();
    const after = await rowCells(page, 'tr.total');
    expect([after[COLUMNS.received], after[COLUMNS.resolved]]).toEqual([formatCount(q1.total.received), formatCount(q1.total.resolved)]);
    expect(await page.textContent('#report-meta')).toContain('Từ ngày 01/01/2024 đến ngày 31/03/2024');
  });

  it("refuses a reader's redrive, and does an operator's", async () => {
    await page.locator('#letters tbody').getByText('invalid-event').waitFor();
    await page.click('#redrive');
    expect(
      await eventually(
        () => page.textContent('#action-result'),
        (t) => t?.includes('FORBIDDEN') === true,
      ),
    ).toContain('FORBIDDEN');
    expect(await page.textContent('#action-result')).toContain('chỉ được xem');
    await page.fill('#token', OPERATOR);
    await page.click('#token-form button');
    await page.click('#redrive');
    expect(
      await eventually(
        () => page.textContent('#action-result'),
        (t) => t?.includes('Đã xử lý') === true,
      ),
    ).toContain('Đã xử lý lại 1 thư');
    // The letter had a name and a phone number in it: the page shows neither.
    const text = await page.textContent('body');
    expect(text).not.toContain('Nguyễn Văn An');
    expect(text).not.toContain('0912345678');
  });

  it('refreshes its status panel by itself', async () => {
    expect(
      await eventually(
        () => page.textContent('#projections'),
        (t) => t?.includes('đã cập nhật hết') === true,
      ),
    ).toContain('đã cập nhật hết');
    // Events arrive that the view has not read: within a refresh the panel says how far behind it is.
    await appendDataset(api.stores.eventStore, generateDemoDataset({ seed: 41, dossiers: 4, period: { from: '2024-02-01', to: '2024-02-10' } }).events);
    expect(
      await eventually(
        () => page.textContent('#projections'),
        (t) => /chậm/.test(t ?? ''),
        15_000,
      ),
    ).toMatch(/chậm \d+ sự kiện/);
    expect(await page.textContent('#balance')).toContain('Cân đối');
  });
});
