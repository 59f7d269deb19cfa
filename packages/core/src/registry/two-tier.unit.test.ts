import { levelsOn } from './two-tier';

describe('levelsOn', () => {
  it('has districts until 30 Jun 2025 and only province and commune from 1 Jul 2025', () => {
    expect(levelsOn('2025-06-30')).toEqual(['province', 'district', 'commune']);
    expect(levelsOn('2025-07-01')).toEqual(['province', 'commune']);
    expect(levelsOn('2026-01-01')).toEqual(['province', 'commune']);
  });
});
