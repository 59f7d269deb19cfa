import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStores, storeUrl } from '@tthc/stores';
import { formatCount as n } from '@tthc/core';
import { appendDataset, generateDemoDataset, POSTGRES_URL_ENV, requireEnv, runTthc } from '@tthc/test-support';

/** Issue #18: a report never looks finished when it is not, and reading never creates a store. */
describe('tthc report, status and dlq list on a store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('that does not exist', () => {
    const typo = join(dir, 'data', 'tthc.sqlit');

    it.each([['report', '--period', '2024-H1'], ['status'], ['dlq', 'list']])('refuses it, naming it, and creates nothing: %s', async (...command) => {
      await expect(runTthc(...command, '--store', `sqlite:${typo}`)).rejects.toMatchObject({
        code: 'STORE_NOT_FOUND',
        message: expect.stringContaining(`sqlite:${typo}`) as unknown,
      });
      expect(existsSync(typo)).toBe(false);
      expect(existsSync(join(dir, 'data'))).toBe(false);
    });

    it('is still created by a command that writes', async () => {
      const created = join(dir, 'new', 'tthc.sqlite');
      await runTthc('migrate', '--store', `sqlite:${created}`);
      expect(existsSync(created)).toBe(true);
    });

    it('is refused on PostgreSQL too, naming the database', async () => {
      const url = new URL(requireEnv(POSTGRES_URL_ENV));
      url.pathname = '/tthc_no_such_database';
      await expect(runTthc('report', '--period', '2024-H1', '--store', url.toString())).rejects.toMatchObject({
        code: 'STORE_NOT_FOUND',
        message: expect.stringContaining('"tthc_no_such_database"') as unknown,
      });
    });
  });

  describe('whose view is behind its log', () => {
    const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
    const first = generateDemoDataset({ seed: 21, dossiers: 60, period: { from: '2024-01-01', to: '2024-06-30' } }).events;
    const more = generateDemoDataset({ seed: 22, dossiers: 10, period: { from: '2024-03-01', to: '2024-03-31' } }).events;
    const append = async (events: typeof first) => {
      const stores = await openStores(storeUrl.parse(store));
      try {
        await appendDataset(stores.eventStore, events);
      } finally {
        await stores.close();
      }
    };
    const report = (...args: string[]) => runTthc('report', '--period', '2024-H1', '--store', store, ...args);
    const lag = async () =>
      (JSON.parse(await runTthc('status', '--store', store, '--format', 'json')) as { projections: Record<string, { lag: { events: number } } | null> })
        .projections['daily-counts']?.lag.events;

    beforeAll(() => append(first));

    it('says so before projection, and --fail-if-behind makes it an error that prints nothing', async () => {
      const text = await report();
      expect(text).toContain(`CHƯA ĐỦ SỐ LIỆU: nhật ký còn ${n(first.length)} sự kiện chưa được tổng hợp`);
      expect(text).toContain('tthc project --until-caught-up');
      expect(text).toContain(`Số liệu chưa tổng hợp sự kiện nào của nhật ký; nhật ký có ${n(first.length)} sự kiện chưa được tổng hợp.`);
      expect(text).not.toContain('không có sự kiện nào thuộc kỳ');
      await expect(report('--fail-if-behind')).rejects.toMatchObject({
        code: 'REPORT_BEHIND_LOG',
        message: expect.stringContaining(`${first.length} events behind the log`) as unknown,
      });
    });

    it('says how many events it counts, and that it counts them all, once projected', async () => {
      await runTthc('project', '--until-caught-up', '--store', store);
      const text = await report('--fail-if-behind');
      expect(text).not.toContain('CHƯA ĐỦ');
      expect(text).toMatch(
        new RegExp(
          `Số liệu tổng hợp ${n(first.length)} sự kiện đầu tiên của nhật ký sự kiện \\(đến vị trí \\d+/\\d+, cập nhật lúc \\d\\d:\\d\\d ngày \\d\\d/\\d\\d/\\d{4}\\); đã tổng hợp hết nhật ký\\.`,
        ),
      );
      expect(text).not.toMatch(/vị trí nhật ký \d+\/\d+\)/);
    });

    it('gives the same lag as tthc status once more events arrive, in every format a person reads', async () => {
      await append(more);
      const behind = await lag();
      expect(behind).toBe(more.length);
      for (const format of ['text', 'markdown', 'narrative']) {
        const text = await report('--format', format);
        expect({ format, warned: text.includes(`nhật ký còn ${n(more.length)} sự kiện chưa được tổng hợp`) }).toEqual({ format, warned: true });
        expect({ format, counted: text.includes(`tổng hợp ${n(first.length)} sự kiện đầu tiên`) }).toEqual({ format, counted: true });
      }
      const json = JSON.parse(await report('--format', 'json')) as { asOf: Record<string, unknown> };
      expect(json.asOf).toMatchObject({ eventsRead: first.length, eventsBehind: more.length, position: expect.any(String) as unknown });
      await expect(report('--fail-if-behind')).rejects.toMatchObject({ code: 'REPORT_BEHIND_LOG' });
      await runTthc('project', '--until-caught-up', '--store', store);
    });

    it('states the same as-of after a replay, apart from when the view moved', async () => {
      const json = async () => {
        const parsed = JSON.parse(await report('--format', 'json')) as { asOf: Record<string, unknown> };
        delete parsed.asOf.updatedAt;
        return parsed;
      };
      const before = await json();
      expect(before.asOf).toMatchObject({ eventsRead: first.length + more.length, eventsBehind: 0 });
      await runTthc('replay', 'daily-counts', '--store', store);
      expect(await json()).toEqual(before);
    });

    it('notes a period with no event in the store', async () => {
      const text = await runTthc('report', '--period', '2025-H1', '--store', store);
      expect(text).toContain('Kho dữ liệu không có sự kiện nào thuộc kỳ từ 01/01/2025 đến 30/06/2025: không sự kiện nào của kỳ được tính vào số liệu');
      expect(await runTthc('report', '--period', '2024-H1', '--store', store)).not.toContain('không có sự kiện nào thuộc kỳ');
    });
  });
});
