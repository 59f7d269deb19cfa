import { differences, type Snapshot } from './snapshot';

const clean: Snapshot = {
  events: 100,
  distinctIds: 100,
  streamsWithGaps: 0,
  balanced: true,
  offsetsAccounted: 100,
  view: ['2024-01-02|A|received=3', '2024-01-02|A|resolved=1'],
};

describe('how a faulted run is told apart from the clean one', () => {
  it('finds nothing in a run that matches', () => {
    expect(differences({ ...clean, view: [...clean.view] }, clean, 100)).toEqual([]);
  });

  it.each([
    ['a lost event', { events: 99, distinctIds: 99 }, /99 events, the clean run 100/],
    ['an event stored twice', { events: 101, distinctIds: 100 }, /1 event ids stored twice/],
    ['a revision gap', { streamsWithGaps: 2 }, /2 streams with a revision gap/],
    ['counts that do not add up', { balanced: false }, /do not balance/],
    ['an offset not accounted for', { offsetsAccounted: 99 }, /99 offsets accounted for, 100 on the topic/],
    ['a view row counted twice', { view: ['2024-01-02|A|received=6', '2024-01-02|A|resolved=1'] }, /view differs: 1 rows missing, 1 other/],
  ])('reports %s', (_name, change, message) => {
    expect(differences({ ...clean, ...change }, clean, 100).join('; ')).toMatch(message);
  });
});
