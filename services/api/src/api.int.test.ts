import { hashToken } from './access';
import { profileStore, serverOn } from './api-test-store.helper.test';
import { appendDataset, generateDemoDataset, runTthc } from '@tthc/test-support';
import { runProjection } from '@tthc/projector';
import { createLogger } from '@tthc/logging';
import { openStores, storeUrl } from '@tthc/stores';
import ExcelJS from 'exceljs';

const READER = 'tthc_reader-token-for-tests-0000000000000000000000';
const OPERATOR = 'tthc_operator-token-for-tests-00000000000000000000';
const TOKENS = {
  tokens: [
    { name: 'reader-binh', role: 'reader', sha256: hashToken(READER) },
    { name: 'ops-an', role: 'operator', sha256: hashToken(OPERATOR) },
  ],
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const H1 = '/api/v1/report?period=2024-H1';

describe.each(['sqlite', 'postgres'] as const)('the HTTP API on %s', (kind) => {
  let store: Awaited<ReturnType<typeof profileStore>>;
  beforeAll(async () => {
    store = await profileStore(kind);
  }, 120_000);
  afterAll(() => store.dispose());

  describe('open for reading (no token configured)', () => {
    let api: Awaited<ReturnType<typeof serverOn>>;
    beforeAll(async () => {
      api = await serverOn(store.url);
    });
    afterAll(() => api.close());
    const get = (url: string, headers: Record<string, string> = {}) => api.request('GET', url, headers);

    it('serves the same report as tthc report, naming the log position it reflects in the body, X-Log-Position and the ETag', async () => {
      const response = await get(`${H1}&by=agency`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = response.json<{ asOf: { position: string; eventsBehind: number } }>();
      const cli = JSON.parse(await runTthc('report', '--period', '2024-H1', '--by', 'agency', '--format', 'json', '--store', store.url)) as typeof body;
      expect(body).toEqual(cli);
      expect(body.asOf.eventsBehind).toBe(0);
      expect(response.headers['x-log-position']).toBe(body.asOf.position);
      expect(response.headers['x-events-behind']).toBe('0');
      expect(response.headers.etag).toContain(body.asOf.position);
    });

    it('answers 304 to If-None-Match while the view stands, and a new ETag once it moves', async () => {
      const first = await get(H1);
      const etag = String(first.headers.etag);
      expect((await get(H1, { 'if-none-match': etag })).statusCode).toBe(304);
      // Events the view has not read yet: the report says so, under a new ETag.
      await appendDataset(api.stores.eventStore, generateDemoDataset({ seed: 31, dossiers: 5, period: { from: '2024-02-01', to: '2024-02-28' } }).events);
      const behind = await get(H1, { 'if-none-match': etag });
      expect(behind.statusCode).toBe(200);
      expect(Number(behind.headers['x-events-behind'])).toBeGreaterThan(0);
      expect(behind.json<{ asOf: { eventsBehind: number } }>().asOf.eventsBehind).toBe(Number(behind.headers['x-events-behind']));
      expect(behind.headers.etag).not.toBe(etag);
    });

    it('waits for a position when asked, and says so when the view does not reach it in time', async () => {
      const timedOut = await get(`${H1}&waitFor=caught-up&timeoutMs=300`);
      expect(timedOut.statusCode).toBe(503);
      expect(timedOut.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(timedOut.json()).toMatchObject({ code: 'POSITION_NOT_REACHED', status: 503 });
      expect(timedOut.headers['retry-after']).toBe('1');
      // A projector catches up while the request waits: it answers with the figures at the log's end.
      const waiting = get(`${H1}&waitFor=caught-up&timeoutMs=20000`);
      await runProjection(api.stores.eventStore, api.stores, { logger: createLogger({ level: 'silent' }), untilCaughtUp: true });
      const answered = await waiting;
      expect(answered.statusCode).toBe(200);
      expect(answered.headers['x-events-behind']).toBe('0');
      const position = String(answered.headers['x-log-position']);
      expect((await get(`${H1}&waitFor=${position}&timeoutMs=100`)).statusCode).toBe(200);
      const [commit = '0', prepare = '0'] = position.split('/');
      const later = `${BigInt(commit) + 1000n}/${BigInt(prepare) + 1000n}`;
      expect((await get(`${H1}&waitFor=${later}&timeoutMs=100`)).json()).toMatchObject({ code: 'POSITION_NOT_REACHED' });
    });

    it('serves CSV, Markdown, the form and the form as a spreadsheet, each with its type', async () => {
      const csv = await get(`${H1}&format=csv`);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.body).toBe(await runTthc('report', '--period', '2024-H1', '--format', 'csv', '--store', store.url));
      const markdown = await get(`${H1}&format=markdown`);
      expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(markdown.body).toContain('| Tổng cộng |');
      const xlsx = await get(`${H1}&format=xlsx`);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(xlsx.headers['content-disposition']).toBe('attachment; filename="bao-cao-2024-01-01-2024-06-30.xlsx"');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.bytes as unknown as ExcelJS.Buffer);
      expect(book.worksheets.length).toBeGreaterThan(0);
    });

    it('counts from/to days and on a named map, and refuses what would change nothing', async () => {
      const days = await get('/api/v1/report?from=2024-01-01&to=2024-06-30');
      expect(days.json<{ total: unknown }>().total).toEqual((await get(H1)).json<{ total: unknown }>().total);
      const onMap = await get(`${H1}&map=2024-06-30`);
      expect(onMap.json()).toMatchObject({ map: '2024-06-30' });
      const cutoff = await get('/api/v1/report?from=2024-01-01&to=2024-06-30&cutoff=decree-09');
      expect(cutoff.statusCode).toBe(400);
      expect(cutoff.json()).toMatchObject({ code: 'INVALID_REQUEST', field: 'cutoff' });
    });

    it.each([
      ['an unknown parameter', `${H1}&by=agency&colour=red`, 'colour', 'is not a parameter of this endpoint'],
      ['a malformed period', '/api/v1/report?period=2024-H3', 'period', 'must be a period'],
      ['a day that does not exist', '/api/v1/report?from=2024-02-30&to=2024-03-01', 'from', 'must be a calendar date'],
      ['to before from', '/api/v1/report?from=2024-03-01&to=2024-02-01', 'to', 'must not be before from'],
      ['neither period nor days', '/api/v1/report', 'period', 'give either period'],
      ['an unknown format', `${H1}&format=pdf`, 'format', ''],
      ['a timeout without waitFor', `${H1}&timeoutMs=5`, 'timeoutMs', 'applies to waitFor only'],
      ['a page too large', '/api/v1/dead-letters?limit=5000', 'limit', ''],
    ])('refuses %s with problem+json naming the parameter', async (_what, url, field, rule) => {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      const problem = response.json<{ code: string; field: string; errors: { field: string; rule: string }[]; type: string }>();
      expect(problem).toMatchObject({ code: 'INVALID_REQUEST', field, type: 'urn:tthc:error:INVALID_REQUEST' });
      expect(problem.errors.find((e) => e.field === field)?.rule).toContain(rule);
    });

    it("lists the registry's agencies in force on a day, by level", async () => {
      const response = await get('/api/v1/agencies?on=2024-06-30&level=province');
      expect(response.statusCode).toBe(200);
      const body = response.json<{ on: string; countByLevel: Record<string, number>; agencies: { level: string }[] }>();
      expect(body.on).toBe('2024-06-30');
      expect(body.agencies.length).toBe(body.countByLevel.province);
      expect(new Set(body.agencies.map((a) => a.level))).toEqual(new Set(['province']));
    });

    it("gives the projections' status, ingest's conservation, and the dead letters by page without their bytes", async () => {
      const projections = (await get('/api/v1/projections')).json<{ projections: Record<string, { version: number; lag: { events: number } }> }>();
      expect(projections.projections['daily-counts']).toMatchObject({ version: 1, lag: { events: 0 } });
      const ingest = (await get('/api/v1/ingest')).json<{ balanced: boolean; total: { deadLettered: number } }>();
      expect(ingest).toMatchObject({ balanced: true, total: { deadLettered: 1 } });
      const letters = await get('/api/v1/dead-letters?reason=invalid-event&limit=1');
      const body = letters.json<{ letters: { reason: string; message: string }[]; next: number | null; counts: unknown[] }>();
      expect(body.letters).toHaveLength(1);
      expect(body.letters[0]?.message).toContain('applicantName');
      expect(body.next).toBeNull();
      expect(body.counts).toEqual([{ status: 'dead', reason: 'invalid-event', count: 1 }]);
      // The sender put a name and a phone number in the message: neither is served, anywhere.
      for (const url of ['/api/v1/dead-letters', '/api/v1/status', '/api/v1/ingest', `${H1}&by=agency`, '/metrics']) {
        const text = (await get(url)).body;
        expect(text).not.toContain('Nguyễn Văn An');
        expect(text).not.toContain('0912345678');
      }
    });

    it('is read-only: an operator action is refused, and nothing is redriven', async () => {
      const response = await api.request('POST', '/api/v1/dead-letters/redrive', {}, {});
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'ACTIONS_DISABLED' });
      expect((await get('/api/v1/ingest')).json()).toMatchObject({ total: { deadLettered: 1 } });
    });

    it("shows a record door's counts (the DVCQG sync door's) in /api/v1/ingest and /metrics", async () => {
      const stores = await openStores(storeUrl.parse(store.url));
      try {
        await stores.ingestStore.addRecordCounts('kafka:tthc.dvcqg-sync.v1', { records: 12, translated: 11, refused: 1, events: 30 });
      } finally {
        await stores.close();
      }
      expect((await get('/api/v1/ingest')).json()).toMatchObject({
        records: { 'kafka:tthc.dvcqg-sync.v1': { records: 12, translated: 11, refused: 1, events: 30 } },
        recordsBalanced: true,
      });
      expect((await get('/metrics')).body).toMatch(/^tthc_ingest_records\{source="kafka:tthc.dvcqg-sync.v1",count="refused"\} 1$/m);
    });

    it('serves Prometheus metrics of the projector and the server, /health and /ready', async () => {
      const metrics = await get('/metrics');
      expect(metrics.headers['content-type']).toContain('text/plain');
      expect(metrics.body).toMatch(/^tthc_projection_lag_events\{projection="daily-counts"\} 0$/m);
      expect(metrics.body).toMatch(/^tthc_ingest_letters\{status="dead",reason="invalid-event"\} 1$/m);
      expect(metrics.body).toMatch(/^tthc_api_requests_total\{method="GET",route="\/api\/v1\/report",status="200"\} \d+$/m);
      expect((await get('/health')).json()).toMatchObject({ status: 'ok' });
      expect((await get('/ready')).json()).toEqual({ ready: true, store: 'reachable' });
    });

    it('sends no CORS header unless origins are configured', async () => {
      const response = await get(H1, { origin: 'https://example.org' });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers an unknown path with a problem', async () => {
      const response = await get('/api/v1/reports');
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('with tokens', () => {
    let api: Awaited<ReturnType<typeof serverOn>>;
    beforeAll(async () => {
      api = await serverOn(store.url, { ...TOKENS, corsOrigins: ['https://bao-cao.lamdong.gov.vn'] });
    });
    afterAll(() => api.close());
    const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}) =>
      api.request(method, url, headers, method === 'POST' ? {} : undefined);

    it('needs a token to read, and refuses one it does not know', async () => {
      expect((await inject('GET', '/api/v1/status')).json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect((await inject('GET', '/api/v1/status', bearer('tthc_guess'))).json()).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await inject('GET', '/api/v1/status', bearer(READER))).statusCode).toBe(200);
      // Health, readiness, the page and the API's description need none.
      for (const url of ['/health', '/ready', '/dashboard/', '/dashboard/app.js', '/openapi.json']) expect((await inject('GET', url)).statusCode).toBe(200);
    });

    it("refuses a reader's redrive and replay; an operator's is done and logged with who did it", async () => {
      for (const url of ['/api/v1/dead-letters/redrive', '/api/v1/projections/daily-counts/replay'])
        expect((await inject('POST', url, bearer(READER))).json()).toMatchObject({ code: 'FORBIDDEN', status: 403 });
      const redrive = await inject('POST', '/api/v1/dead-letters/redrive', bearer(OPERATOR));
      expect(redrive.statusCode).toBe(200);
      // Still invalid: it dies again, counted once.
      expect(redrive.json()).toEqual({ by: 'ops-an', letters: 1, appended: 0, duplicate: 0, dead: 1, parked: 0 });
      expect((await inject('GET', '/api/v1/ingest', bearer(READER))).json()).toMatchObject({ balanced: true, total: { deadLettered: 1 } });
      expect(api.logs.lines).toContainEqual(expect.objectContaining({ msg: 'operator action', action: 'redrive', by: 'ops-an', dead: 1 }));
      expect(JSON.stringify(api.logs.lines)).not.toContain(OPERATOR);
    });

    it('starts a replay for an operator, shows its progress, and switches to the rebuilt version', async () => {
      const before = (await inject('GET', '/api/v1/projections', bearer(READER))).json<{ projections: Record<string, { version: number }> }>();
      const started = await inject('POST', '/api/v1/projections/daily-counts/replay', bearer(OPERATOR));
      expect(started.statusCode).toBe(202);
      expect(started.json()).toMatchObject({ by: 'ops-an', projection: 'daily-counts', started: true });
      expect((await inject('POST', '/api/v1/projections/nothing/replay', bearer(OPERATOR))).json()).toMatchObject({ code: 'NOT_FOUND' });
      const version = before.projections['daily-counts']?.version ?? 0;
      let now = before;
      for (let i = 0; i < 300 && (now.projections['daily-counts']?.version ?? 0) <= version; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        now = (await inject('GET', '/api/v1/projections', bearer(READER))).json();
      }
      expect(now.projections['daily-counts']?.version).toBe(version + 1);
      expect(api.logs.lines).toContainEqual(expect.objectContaining({ msg: 'operator action', action: 'replay', by: 'ops-an', projection: 'daily-counts' }));
    });

    it('allows the configured origin only', async () => {
      const allowed = await inject('GET', '/health', { origin: 'https://bao-cao.lamdong.gov.vn' });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://bao-cao.lamdong.gov.vn');
      const other = await inject('GET', '/health', { origin: 'https://example.org' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
  describe('rate limited', () => {
    let api: Awaited<ReturnType<typeof serverOn>>;
    beforeAll(async () => {
      api = await serverOn(store.url, { ...TOKENS, anonymousRead: true, rateLimit: { max: 3, windowSeconds: 60 } });
    });
    afterAll(() => api.close());

    it('limits the report per client, with Retry-After, and not the cheap endpoints', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await api.request('GET', H1, bearer(READER))).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await api.request('GET', H1, bearer(READER));
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await api.request('GET', '/api/v1/status', bearer(READER))).statusCode).toBe(200);
      // Another client is counted on its own: another token, or no token from the address.
      expect((await api.request('GET', H1, bearer(OPERATOR))).statusCode).toBe(200);
      expect((await api.request('GET', H1)).statusCode).toBe(200);
    });
  });
});
