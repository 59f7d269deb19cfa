import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsOfSyncRecord, formatProblems, keptFieldsOf, sameFact, upcastBody, type DossierEvent } from '@tthc/core';
import { loadProfile } from '../profile/profile';
import { scaleProfile } from '../profile/scale-profile';
import { simulateProfile } from '../profile-simulation/simulate-profile';
import { SIMULATION_SOURCE } from '../profile-simulation/simulation-registry';
import { SIMULATED_PERSONAL_MARKERS, syncRecordsOf } from './sync-records';

const fixture = join(__dirname, '../../../../test/fixtures/profiles/lam-dong-2024-h1.json');

function simulation() {
  const loaded = loadProfile(JSON.parse(readFileSync(fixture, 'utf8')));
  if (!loaded.ok) throw new Error(formatProblems(loaded.problems));
  const scaled = scaleProfile(loaded.profile, 1 / 100);
  if (!scaled.ok) throw new Error(formatProblems(scaled.problems));
  return simulateProfile(scaled.profile, { seed: 2024 });
}

describe('a simulated feed written as DVCQG sync records', () => {
  const sim = simulation();
  const records = [...syncRecordsOf(sim.events())];
  const published = [...sim.events()].map(upcastBody);

  it('carries the applicant in every record, as one-stop-shop systems send it', () => {
    expect(records.every((r) => typeof r.ChuHoSo === 'string' && typeof r.SoDienThoai === 'string')).toBe(true);
  });

  it('reads back, through the door, into the same facts as the CloudEvents feed: each once, apologies aside', () => {
    const read = new Map<string, DossierEvent>();
    for (const record of records) {
      const t = eventsOfSyncRecord(keptFieldsOf(record), { source: SIMULATION_SOURCE });
      if (!t.ok) throw new Error(`${record.MaHoSo}: ${formatProblems(t.problems)}`);
      for (const e of t.events) {
        const known = read.get(e.id);
        // A fact restated by a later record is the same event, byte for byte.
        if (known) expect(known).toEqual(e);
        else read.set(e.id, e);
      }
    }
    // What the record cannot carry: an apology (no field), a fee requested (no time or amount).
    const mappable = published.filter(
      (e) => e.type !== 'vn.gov.tthc.dossier.apology-issued.v1' && e.type !== 'vn.gov.tthc.dossier.financial-obligation-requested.v1',
    );
    expect(read.size).toBe(mappable.length);
    const bySubjectAndType = new Map<string, DossierEvent[]>();
    for (const e of read.values()) {
      const key = `${e.subject} ${e.type}`;
      bySubjectAndType.set(key, [...(bySubjectAndType.get(key) ?? []), e]);
    }
    const unmatched = mappable.filter((e) => {
      const candidates = bySubjectAndType.get(`${e.subject} ${e.type}`) ?? [];
      // The door cannot know a receiving one-stop shop apart from the agency, nor the reasons' codes.
      const loose = (x: { type: string; subject: string; data: unknown }) => {
        const { reasonCode: _r, receivingAgencyCode: _a, ...data } = x.data as Record<string, unknown>;
        return { type: x.type, subject: x.subject, data };
      };
      return !candidates.some((c) => sameFact(loose(c), loose(e)));
    });
    expect(unmatched.slice(0, 3)).toEqual([]);
  });

  it('keeps nothing of the applicant through the door', () => {
    const kept = JSON.stringify(records.slice(0, 2000).map(keptFieldsOf));
    for (const marker of SIMULATED_PERSONAL_MARKERS) expect(kept).not.toContain(marker);
  });
});
