import { reportTestRegistry } from '../test-data/report-registry';
import type { AgencyMetricTotal } from '../projection/daily-counts-store';
import { buildDailyCountsReport } from './daily-counts-report';
import { formatReport } from './format-report';
import { periodInWords } from './period-words';

const { file, registry } = reportTestRegistry([
  ['000.00.01.H36', 'province', null],
  ['000.00.31.H36', 'district', '000.00.01.H36'],
  ['000.01.31.H36', 'commune', '000.00.31.H36'],
]);

/** The Lâm Đồng H1 2024 figures (seed report, II.2.d and II.2.g), one agency per level. */
const totals: AgencyMetricTotal[] = [
  { agencyCode: '000.00.01.H36', metric: 'resolved.on-time', value: 151_017 },
  { agencyCode: '000.00.01.H36', metric: 'resolved.late', value: 6_253 },
  { agencyCode: '000.00.31.H36', metric: 'resolved.on-time', value: 30_040 },
  { agencyCode: '000.00.31.H36', metric: 'resolved.late', value: 687 },
  { agencyCode: '000.01.31.H36', metric: 'resolved.on-time', value: 196_936 },
  { agencyCode: '000.01.31.H36', metric: 'resolved.late', value: 177 },
  { agencyCode: '000.01.31.H36', metric: 'received.online', value: 342_523 },
  { agencyCode: '000.01.31.H36', metric: 'resolved.full-process', value: 87_533 },
  { agencyCode: '000.01.31.H36', metric: 'resolved.full-process.online', value: 87_036 },
  { agencyCode: '000.01.31.H36', metric: 'paid-online.count', value: 191_643 },
];
const report = buildDailyCountsReport({ from: '2024-01-01', to: '2024-06-30' }, totals, '42/42', registry);

describe('report --format narrative', () => {
  const text = formatReport(report, 'narrative');

  it("writes the seed report's sentences of II.2.d and II.2.g with the figures in Vietnamese notation", () => {
    // Quoted from bao-cao-cchc-6-thang-dau-nam-2024-lam-dong.txt (II.2.d, first bullet; II.2.g, third bullet), with one
    // word added: the seed's "giải quyết đúng hạn là 151.017" counts the early ones too, and "đúng hạn" alone means on the due day here.
    expect(text).toContain(
      '- Tỷ lệ hồ sơ TTHC do các sở, ngành tiếp nhận được giải quyết trước và đúng hạn đạt 96,02% trong đó: Tổng số hồ sơ đã giải quyết xong 157.270 hồ sơ, giải quyết trước và đúng hạn là 151.017 hồ sơ;',
    );
    expect(text).toContain(
      'toàn tỉnh đã tiếp nhận 342.523 hồ sơ trực tuyến trên tất cả các lĩnh vực. Trong đó, số hồ sơ giải quyết trực tuyến của dịch vụ công trực tuyến toàn trình 87.036 hồ sơ trên tổng số hồ sơ giải quyết trong 6 tháng đầu năm 2024 của dịch vụ công trực tuyến toàn trình (gồm cả trực tuyến và không trực tuyến) 87.533 hồ sơ đạt tỷ lệ 99,43%.',
    );
    expect(text).toContain('phát sinh 191.643 giao dịch thanh toán trực tuyến');
  });

  it('gives each level its line, the last one closing with a full stop, and states the log position', () => {
    expect(text).toContain(
      'do UBND cấp huyện tiếp nhận được giải quyết trước và đúng hạn đạt 97,76% trong đó: Tổng số hồ sơ đã giải quyết xong 30.727 hồ sơ, giải quyết trước và đúng hạn là 30.040 hồ sơ;',
    );
    expect(text).toContain(
      'do UBND cấp xã tiếp nhận được giải quyết trước và đúng hạn đạt 99,91% trong đó: Tổng số hồ sơ đã giải quyết xong 197.113 hồ sơ, giải quyết trước và đúng hạn là 196.936 hồ sơ.',
    );
    expect(text).toMatch(/Số liệu từ ngày 01\/01\/2024 đến ngày 30\/06\/2024, tổng hợp nhật ký sự kiện đến sự kiện ở vị trí 42\/42/);
  });
});

describe('report --format json', () => {
  it('has the figures by level, the total and the online figures at the top, and agencies only by agency', () => {
    const json = JSON.parse(formatReport(report, 'json')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['period', 'map', 'asOf', 'levels', 'total', 'receivedOnline', 'fullProcessOnline', 'onlinePayments']);
    expect(json).toMatchObject({
      receivedOnline: 342_523,
      fullProcessOnline: { resolved: 87_533, resolvedOnline: 87_036, rate: 99.43 },
      onlinePayments: { count: 191_643, amount: 0 },
      levels: { province: { agencies: 1, resolved: 157_270, resolvedOnTime: 151_017, onTimeRate: 96.02 } },
    });
    const byAgency = JSON.parse(formatReport(report, 'json', 'agency')) as { agencies: { agencyCode: string; name: string }[] };
    expect(byAgency.agencies.map((a) => [a.agencyCode, a.name])).toEqual(file.agencies.map((a) => [a.code, a.name]));
  });

  it('lists agencies under their level in the text table when asked', () => {
    const lines = formatReport(report, 'text', 'agency').split('\n');
    const province = lines.findIndex((l) => l.startsWith('Sở, ban, ngành'));
    expect(lines[province + 1]).toMatch(/^ {2}000\.00\.01\.H36 Cơ quan 000\.00\.01\.H36 +1?/);
    expect(formatReport(report, 'text')).not.toContain('000.00.01.H36 Cơ quan');
  });
});

describe('periodInWords', () => {
  it.each([
    ['2024-01-01', '2024-06-30', '6 tháng đầu năm 2024'],
    ['2023-12-15', '2024-06-14', '6 tháng đầu năm 2024'],
    ['2024-07-01', '2024-12-31', '6 tháng cuối năm 2024'],
    ['2024-01-01', '2024-12-31', 'năm 2024'],
    ['2024-04-01', '2024-06-30', 'quý II năm 2024'],
    ['2024-03-01', '2024-03-31', 'tháng 3 năm 2024'],
    ['2024-01-01', '2024-02-15', 'từ 01/01/2024 đến 15/02/2024'],
  ])('%s..%s is "%s"', (from, to, words) => {
    expect(periodInWords({ from, to })).toBe(words);
  });
});
