import { ALLOWED_IN, DOSSIER_EVENT_TYPES } from '@tthc/core';
import { lifecycleTable, renderContracts } from './index';

describe('the lifecycle table in docs/events.md', () => {
  it('has a row per current event type, matching ALLOWED_IN', () => {
    const table = lifecycleTable();
    expect(table.map((r) => r.type)).toEqual(DOSSIER_EVENT_TYPES);
    for (const row of table) {
      const allowed = (ALLOWED_IN as Record<string, readonly string[] | undefined>)[row.type];
      expect([row.type, row.arrivesIn === null ? null : [...row.arrivesIn].sort()]).toEqual([row.type, allowed ? [...allowed].sort() : null]);
      expect(row.after).toHaveLength(row.arrivesIn?.length ?? 1);
    }
  });

  it('states the status after each event as applyDossierEvent computes it', () => {
    const after = Object.fromEntries(lifecycleTable().map((r) => [r.type.replace('vn.gov.tthc.dossier.', ''), r.after]));
    expect(after).toMatchObject({
      'received.v2': ['in-progress'],
      'refused-at-reception.v1': ['refused-at-reception'],
      'supplement-requested.v1': ['awaiting-supplement'],
      'supplement-received.v1': ['in-progress'],
      'financial-obligation-requested.v1': ['awaiting-payment'],
      'paid-online.v1': ['in-progress', 'awaiting-supplement', 'in-progress', 'resolved'],
      'processed.v1': ['resolved', 'resolved'],
      'result-returned.v1': ['returned'],
    });
  });

  it('documents every accepted type with a field table', () => {
    const doc = renderContracts().get('docs/events.md') ?? '';
    for (const type of DOSSIER_EVENT_TYPES) expect(doc).toContain(`### ${type}\n`);
    expect(doc).toContain('### vn.gov.tthc.dossier.received.v1\n');
    expect(doc).toContain('| `newDueDate` | string | yes | a calendar date `YYYY-MM-DD` |');
  });
});
