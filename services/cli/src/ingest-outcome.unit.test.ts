import { ZERO_COUNTS } from '@tthc/core';
import { deadLetterSummary, nothingNewStored } from './commands/ingest';

describe('the end of a file ingest', () => {
  it('sums the dead letters up by reason, most first, for a person at a terminal', () => {
    const byReason = new Map([
      ['lifecycle-violation', 1505],
      ['natural-key-conflict', 12994],
    ]);
    expect(deadLetterSummary(byReason)).toBe('14,499 events refused (12,994 natural-key-conflict, 1,505 lifecycle-violation); `tthc dlq list` shows each');
  });

  it('fails a run that refused events and stored or parked none, not a rerun that found everything stored', () => {
    expect(nothingNewStored({ ...ZERO_COUNTS, consumed: 14_689, deadLettered: 14_499, duplicates: 190 })).toBe(true);
    expect(nothingNewStored({ ...ZERO_COUNTS, consumed: 100, duplicates: 100 })).toBe(false);
    expect(nothingNewStored({ ...ZERO_COUNTS, consumed: 100, deadLettered: 99, parked: 1 })).toBe(false);
    expect(nothingNewStored({ ...ZERO_COUNTS, consumed: 100, deadLettered: 99, appended: 1 })).toBe(false);
  });
});
