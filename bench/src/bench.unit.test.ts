import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InMemoryEventStore, START_OF_LOG } from '@tthc/core';
import { simulateProfile } from '@tthc/simulator';
import { describeCode } from './code-version';
import { selectSuites, type Suite } from './context';
import { copyLines, copyValue } from './copy-text';
import { groupOf, summariseProfile } from './cpu-profile-summary';
import { bucketOf, busy, statementKey, tally } from './pg-activity-sample';
import { buildDataset, preparedChunks, prepareEvents, readProfile, sizeSuffix } from './dataset';
import { median, rowResult, type RowResult } from './measure';
import { baseScale, DEFAULT_PROFILE, parseBenchOptions, runSizes, UsageError } from './options';
import { checkGoals, computeGrowth, computeRatios, splitName } from './report';
import BetterSqlite3 from 'better-sqlite3';
import { types } from 'pg';
import { keepPgTypeParsers, toEmmettEvent } from './rows/peer-emmett';
import { periodArgs } from './rows/end-to-end';
import { BARE_TABLE, bareTableSql } from './rows/sqlite-limits';

describe('bench data preparation and figures (no benchmark runs here)', () => {
  const profile = readProfile(DEFAULT_PROFILE);
  const dataset = buildDataset({ profile, baseScale: 0.004, multiple: 1, seed: 7 });
  const events = [...dataset.simulation.events()];

  it('simulates the Lâm Đồng profile at the asked scale, named by its size', () => {
    expect(dataset).toMatchObject({ name: `${profile.name}-x0.004`, suffix: '', scale: 0.004, seed: 7 });
    expect(dataset.events).toBe(events.length);
    expect(dataset.events).toBeGreaterThan(1000);
    const x5 = buildDataset({ profile, baseScale: 0.004, multiple: 5, seed: 7 });
    expect(x5).toMatchObject({ suffix: '@x5', scale: 0.02 });
    expect(x5.events).toBe(simulateProfile(x5.profile, { seed: 7 }).eventCount);
    expect(x5.events / dataset.events).toBeCloseTo(5, 0);
  });

  it('gives the limits the same rows, order and revisions that our store writes from the batches', async () => {
    const { batches, rows } = prepareEvents(events, 250);
    expect(rows).toHaveLength(events.length);
    expect(batches.every((b) => b.reduce((n, a) => n + a.events.length, 0) <= 250)).toBe(true);
    const store = new InMemoryEventStore();
    for (const batch of batches) await store.appendToStreams(batch);
    const stored = await store.readAll({ after: START_OF_LOG, limit: rows.length + 1 });
    expect(
      stored.map((e) => ({
        streamId: e.streamId,
        revision: Number(e.revision),
        eventId: e.id,
        type: e.type,
        data: JSON.stringify(e.data),
        metadata: JSON.stringify(e.metadata),
      })),
    ).toEqual(rows);
  });

  it('prepares the same rows and batches chunk by chunk as all at once, revisions continuing across chunks', () => {
    const whole = prepareEvents(events, 250);
    const chunks = [...preparedChunks(events, 1000, 250)];
    expect(chunks).toHaveLength(Math.ceil(events.length / 1000));
    expect(chunks.flatMap((c) => c.rows)).toEqual(whole.rows);
    expect(chunks.flatMap((c) => c.batches)).toEqual(whole.batches);
    expect(() => preparedChunks(events, 1100, 250).next()).toThrow(RangeError);
  });

  it('hands Emmett the same type, data and metadata, with our id as its messageId', () => {
    const append = prepareEvents(events.slice(0, 1)).batches[0]?.[0];
    const event = append?.events[0];
    expect(event).toBeDefined();
    if (!event) return;
    expect(toEmmettEvent(event)).toEqual({ type: event.type, data: event.data, metadata: { ...event.metadata, messageId: event.id } });
  });

  it('puts pg’s int8, json and jsonb parsers back after the peer, as Emmett replaces them for the whole process', async () => {
    type TextParser = (value: string) => unknown;
    const PARSED_TYPE_OIDS = [types.builtins.INT8, types.builtins.JSON, types.builtins.JSONB] as const;
    const parser = (oid: (typeof PARSED_TYPE_OIDS)[number]) => types.getTypeParser(oid, 'text') as TextParser;
    const before = PARSED_TYPE_OIDS.map(parser);
    const inside = await keepPgTypeParsers(() => {
      for (const oid of PARSED_TYPE_OIDS) types.setTypeParser(oid, 'text', (v: string) => `changed ${v}`);
      return Promise.resolve(parser(types.builtins.INT8)('1'));
    });
    expect(inside).toBe('changed 1');
    expect(PARSED_TYPE_OIDS.map(parser)).toEqual(before);
    await expect(
      keepPgTypeParsers(() => {
        types.setTypeParser(types.builtins.INT8, 'text', BigInt);
        return Promise.reject(new Error('peer failed'));
      }),
    ).rejects.toThrow('peer failed');
    expect(parser(types.builtins.INT8)).toBe(before[0]);
  });

  it('escapes what COPY text format reserves, and nothing else', () => {
    expect(copyValue('{"a":"x"}')).toBe('{"a":"x"}');
    expect(copyValue('{"a":"line\\nbreak\\\\"}')).toBe('{"a":"line\\\\nbreak\\\\\\\\"}');
    expect(copyValue('tab\there\r\n')).toBe('tab\\there\\r\\n');
    const { rows } = prepareEvents(events.slice(0, 3));
    const lines = copyLines(rows, 0, rows.length).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]?.split('\t')).toHaveLength(6);
  });
});

const row = (name: string, eventsPerSecond: number | null, extra: Partial<RowResult> = {}): RowResult => ({
  name,
  dataset: 'd',
  events: 1,
  seconds: 1,
  eventsPerSecond,
  peakRssMb: 1,
  peakRssOf: 'bench',
  ...extra,
});

describe('the results', () => {
  it('have the issue’s shape: name, events, seconds, events per second, peak RSS, and whose RSS it is', () => {
    const result = rowResult({
      name: 'store.sqlite-append@x5',
      dataset: 'lam-dong-2024-h1-x5',
      events: 1000,
      seconds: 0.25,
      peakRssMb: 90,
      peakRssOf: 'bench',
    });
    expect(result).toEqual({
      name: 'store.sqlite-append@x5',
      dataset: 'lam-dong-2024-h1-x5',
      events: 1000,
      seconds: 0.25,
      eventsPerSecond: 4000,
      peakRssMb: 90,
      peakRssOf: 'bench',
    });
    const latency = rowResult({ name: 'report.postgres', dataset: 'd', events: 10, seconds: 0.0123456789, peakRssMb: 1, peakRssOf: 'cli' }, 'latency');
    expect([latency.seconds, latency.eventsPerSecond]).toEqual([0.012346, null]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(sizeSuffix(1)).toBe('');
    expect(sizeSuffix(5)).toBe('@x5');
    expect(splitName('replay.sqlite@x5')).toEqual(['replay.sqlite', '@x5']);
    expect(splitName('replay.sqlite')).toEqual(['replay.sqlite', '']);
  });

  it('state each ratio as ours over the bare limit, the layout limit or the peer of the same size, leaving out a pair with a row missing', () => {
    const results = [
      row('limit.postgres-bare-copy', 400),
      row('limit.postgres-copy', 200),
      row('peer.emmett-postgres-append', 20),
      row('ingest.kafka-postgres', 40),
      row('limit.postgres-read', 1000),
      row('project.postgres', 250),
      row('store.sqlite-read', 10),
      row('limit.postgres-copy@x5', 100),
      row('ingest.kafka-postgres@x5', 50),
    ];
    expect(computeRatios(results)).toEqual({
      'limit.postgres-copy/limit.postgres-bare-copy': 0.5,
      'ingest.kafka-postgres/limit.postgres-bare-copy': 0.1,
      'ingest.kafka-postgres/limit.postgres-copy': 0.2,
      'ingest.kafka-postgres/peer.emmett-postgres-append': 2,
      'project.postgres/limit.postgres-read': 0.25,
      'ingest.kafka-postgres@x5/limit.postgres-copy@x5': 0.5,
    });
  });

  it('state growth as each row’s rate at a larger size over its rate at the first, the report’s latency left out', () => {
    const results = [
      row('replay.sqlite', 200),
      row('replay.sqlite@x5', 150),
      row('report.postgres', null),
      row('report.postgres@x5', null),
      row('limit.sqlite-read@x5', 9),
    ];
    expect(computeGrowth(results)).toEqual({ 'replay.sqlite@x5': 0.75 });
  });

  describe('check the issue’s goals', () => {
    const scales: Record<string, number> = { '': 1, '@x5': 5 };
    const scaleOf = (suffix: string) => scales[suffix];
    const goalsOf = (rows: RowResult[], of = scaleOf) => checkGoals(rows, of).map((g) => [g.row, g.goal, g.figure, g.met]);

    it('as ratios of two rows of the same size, never across sizes', () => {
      const goals = goalsOf([
        row('limit.sqlite-bare-insert', 100_000),
        row('ingest.file-sqlite', 40_000),
        row('limit.sqlite-bare-insert@x5', 50_000),
        row('ingest.file-sqlite@x5', 19_000),
        row('limit.postgres-read', 10_000),
        row('project.postgres', 3_000),
        row('replay.postgres', 2_999),
      ]).filter(([, goal]) => String(goal).includes('same run'));
      expect(goals).toEqual([
        ['ingest.file-sqlite', '≥ 0.4 × limit.sqlite-bare-insert (events/s, same run)', 0.4, true],
        ['ingest.file-sqlite@x5', '≥ 0.4 × limit.sqlite-bare-insert@x5 (events/s, same run)', 0.38, false],
        ['project.postgres', '≥ 0.3 × limit.postgres-read (events/s, same run)', 0.3, true],
        // Shown rounded, judged exact.
        ['replay.postgres', '≥ 0.3 × limit.postgres-read (events/s, same run)', 0.3, false],
      ]);
    });

    it('leave out a ratio whose limit did not run', () => {
      expect(checkGoals([row('ingest.kafka-postgres', 40_000, { peakRssOf: 'cli', peakRssMb: 100 })], scaleOf).map((g) => g.goal)).toEqual([
        'peak RSS ≤ 300 MB',
      ]);
    });

    it('as growth of our rows from the first size to a larger one, not of the limits', () => {
      const goals = goalsOf([row('project.sqlite', 100), row('project.sqlite@x5', 79), row('limit.sqlite-read', 100), row('limit.sqlite-read@x5', 10)]);
      expect(goals.filter(([, goal]) => String(goal).includes('first size'))).toEqual([
        ['project.sqlite@x5', '≥ 0.8 × its rate at the first size', 0.79, false],
      ]);
    });

    it('judge the pipeline’s wall time only on the whole profile, and show it at other scales', () => {
      const pipeline = (suffix: string, seconds: number) => row(`pipeline.kafka-postgres${suffix}`, 1, { seconds });
      expect(checkGoals([pipeline('', 90), pipeline('@x5', 300)], scaleOf).filter((g) => g.unit === 's')).toEqual([
        { row: 'pipeline.kafka-postgres', goal: '≤ 90 s wall', figure: 90, unit: 's', met: true },
        {
          row: 'pipeline.kafka-postgres@x5',
          goal: '≤ 90 s wall',
          figure: 300,
          unit: 's',
          met: null,
          note: 'only at scale 1 of the profile; this size is scale 5',
        },
      ]);
      expect(checkGoals([pipeline('', 10)], () => 0.02)[0]).toMatchObject({ met: null, figure: 10 });
    });

    it('as the report’s latency in milliseconds and our processes’ peak RSS', () => {
      const goals = goalsOf([
        row('report.postgres', null, { seconds: 0.0501 }),
        row('report.postgres@x5', null, { seconds: 0.0123 }),
        row('replay.sqlite@x5', null, { peakRssMb: 301, peakRssOf: 'cli' }),
        row('ingest.file-sqlite', null, { peakRssMb: 300, peakRssOf: 'cli' }),
      ]);
      expect(goals).toEqual([
        ['report.postgres', '≤ 50 ms in process', 50.1, false],
        ['report.postgres@x5', '≤ 50 ms in process', 12.3, true],
        ['replay.sqlite@x5', 'peak RSS ≤ 300 MB', 301, false],
        ['ingest.file-sqlite', 'peak RSS ≤ 300 MB', 300, true],
      ]);
    });
  });
});

describe('the bare limits', () => {
  it('copy the events table’s columns, NOT NULLs and defaults into a table keyed by its rowid alone', () => {
    const db = new BetterSqlite3(':memory:');
    try {
      db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
                 at TEXT NOT NULL DEFAULT (strftime('%Y', 'now')), note TEXT, UNIQUE (stream_id, revision))`);
      db.exec(bareTableSql(db.pragma('table_info(events)') as Parameters<typeof bareTableSql>[0]));
      const columns = (table: string) =>
        (db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number }[]).map(({ name, type, notnull }) => [name, type, notnull]);
      expect(columns(BARE_TABLE)).toEqual(columns('events'));
      expect(db.pragma(`index_list(${BARE_TABLE})`)).toEqual([]);
      const insert = db.prepare(`INSERT INTO ${BARE_TABLE} (event_id, stream_id, revision) VALUES ('a', 's', 0)`);
      insert.run();
      insert.run();
      expect(db.prepare(`SELECT position, at FROM ${BARE_TABLE}`).all()).toEqual([
        { position: 1, at: expect.stringMatching(/^\d{4}$/) as unknown },
        { position: 2, at: expect.stringMatching(/^\d{4}$/) as unknown },
      ]);
    } finally {
      db.close();
    }
  });
});

describe('the options', () => {
  it('run the profile and the same ×5 by default, one small size with --quick, and refuse what makes no sense', () => {
    const plain = parseBenchOptions({});
    expect([baseScale(plain), runSizes(plain)]).toEqual([1, [1, 5]]);
    const quick = parseBenchOptions({ quick: true });
    expect([baseScale(quick), runSizes(quick)]).toEqual([0.02, [1]]);
    const chosen = parseBenchOptions({ scale: '0.1', sizes: '1, 2' });
    expect([baseScale(chosen), runSizes(chosen)]).toEqual([0.1, [1, 2]]);
    expect(() => parseBenchOptions({ quick: true, scale: '1' })).toThrow('--scale: give --quick or --scale F, not both');
    expect(() => parseBenchOptions({ sizes: '1,1' })).toThrow(UsageError);
    expect(() => parseBenchOptions({ sizes: '0' })).toThrow('--sizes');
    expect(() => parseBenchOptions({ events: '100' })).toThrow('unknown option(s): events');
  });

  it('select suites by name or by a row of theirs, and name the choices when one is unknown', () => {
    const suites: Suite[] = [
      { name: 'a', rows: ['x.one', 'x.two'], run: () => Promise.resolve() },
      { name: 'b', rows: ['y.one'], run: () => Promise.resolve() },
    ];
    expect(selectSuites(suites, undefined).map((s) => s.name)).toEqual(['a', 'b']);
    expect(selectSuites(suites, ['y.one']).map((s) => s.name)).toEqual(['b']);
    expect(selectSuites(suites, ['a', 'y.one']).map((s) => s.name)).toEqual(['a', 'b']);
    expect(() => selectSuites(suites, ['z'])).toThrow('--only: unknown suite or row z; suites: a (x.one, x.two); b (y.one)');
  });

  it('ask the report for the profile’s period as tthc report --period when it is a half or whole year', () => {
    expect(periodArgs({ from: '2024-01-01', to: '2024-06-30' })).toEqual(['--period', '2024-H1']);
    expect(periodArgs({ from: '2024-01-01', to: '2024-12-31' })).toEqual(['--period', '2024']);
    expect(periodArgs({ from: '2024-01-01', to: '2024-03-31' })).toEqual(['--from', '2024-01-01', '--to', '2024-03-31']);
  });
});

describe('the CPU profile summary', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  it('groups frames by package, by our workspace package, or by runtime part', () => {
    expect(groupOf(frame('query', 'file:///w/node_modules/.pnpm/pg@8.23.1/node_modules/pg/lib/client.js'))).toBe('pg');
    expect(groupOf(frame('x', 'file:///w/node_modules/.pnpm/a/node_modules/@event-driven-io/dumbo/dist/index.cjs'))).toBe('@event-driven-io/dumbo');
    expect(groupOf(frame('append', 'file:///w/packages/store-postgres/dist/postgres-event-store.js'))).toBe('@tthc/store-postgres');
    expect(groupOf(frame('main', 'file:///w/services/cli/dist/main.js'))).toBe('@tthc/cli');
    expect(groupOf(frame('readFile', 'node:fs'))).toBe('node:internal');
    expect(groupOf(frame('(idle)'))).toBe('(idle)');
    expect(groupOf(frame('JSON.stringify'))).toBe('(native)');
  });

  it('sums self time per function and group, and inclusive time of our functions counted once per sample', () => {
    const ours = 'file:///w/packages/core/dist/a.js';
    const summary = summariseProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 4] },
        { id: 2, callFrame: frame('outer', ours, 9), children: [3] },
        { id: 3, callFrame: frame('stringify'), children: [5] },
        { id: 4, callFrame: frame('(idle)') },
        { id: 5, callFrame: frame('outer', ours, 9) },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [3, 3, 4, 5, 2],
      timeDeltas: [1000, 1000, 6000, 1000, 1000],
    });
    expect(summary.totalMs).toBe(10);
    expect(summary.byGroup).toEqual([
      { group: '(idle)', ms: 6, share: 60 },
      { group: '(native)', ms: 2, share: 20 },
      { group: '@tthc/core', ms: 2, share: 20 },
    ]);
    expect(summary.byFunction[0]).toEqual({ fn: '(idle)', group: '(idle)', ms: 6, share: 60 });
    expect(summary.inclusive).toEqual([{ fn: 'outer a.js:10', ms: 4, share: 40 }]);
  });
});

describe('the PostgreSQL activity sample', () => {
  const sample = (state: string | null, waitEventType: string | null, waitEvent: string | null, query: string | null) => ({
    state,
    waitEventType,
    waitEvent,
    query,
  });

  it('buckets each session sample by state, wait event and statement on one line', () => {
    expect(statementKey('SELECT  a,\n   b FROM t')).toBe('SELECT a, b FROM t');
    expect(statementKey('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(bucketOf(sample('active', null, null, 'INSERT INTO events'))).toBe('active | CPU | INSERT INTO events');
    expect(bucketOf(sample('active', 'IO', 'WALSync', 'COMMIT'))).toBe('active | IO:WALSync | COMMIT');
    expect(bucketOf(sample('idle', 'Client', 'ClientRead', 'COMMIT'))).toBe('idle (waiting for the client)');
  });

  it('counts a session as busy unless it is idle or waiting for its client, and shares buckets out of the ticks', () => {
    expect(busy(sample('active', null, null, 'x'))).toBe(true);
    expect(busy(sample('idle in transaction', 'Client', 'ClientRead', 'x'))).toBe(false);
    expect(busy(sample('idle', 'Client', 'ClientRead', 'x'))).toBe(false);
    // Four ticks; two idle sessions in one tick count as one tick of idle.
    const ticks = [
      [sample('active', null, null, 'A'), sample('idle', null, null, 'B'), sample('idle', null, null, 'C')],
      [sample('active', null, null, 'A')],
      [],
      [],
    ];
    expect(tally(ticks)).toEqual([
      { bucket: 'active | CPU | A', ticks: 2, share: 50 },
      { bucket: 'idle (waiting for the client)', ticks: 1, share: 25 },
    ]);
  });
});

describe('the code a run measured', () => {
  it('is the checkout’s commit, flagged when tracked files were changed, and unknown outside git', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-code-'));
    // Not the checkout the temp dir may sit in.
    const ceiling = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = dirname(dir);
    try {
      expect(describeCode(dir)).toEqual({ commit: 'unknown', uncommittedChanges: null });
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args], {
          cwd: dir,
          encoding: 'utf8',
        }).trim();
      git('init', '-q');
      writeFileSync(join(dir, 'a.txt'), 'one');
      git('add', 'a.txt');
      git('commit', '-qm', 'one');
      expect(describeCode(dir)).toEqual({ commit: git('rev-parse', 'HEAD'), uncommittedChanges: false });
      writeFileSync(join(dir, 'untracked.txt'), 'not part of the build');
      mkdirSync(join(dir, 'bench', 'results'), { recursive: true });
      writeFileSync(join(dir, 'bench', 'results', 'latest.json'), '{}');
      git('add', 'bench/results/latest.json');
      git('commit', '-qm', 'results');
      const withResults = git('rev-parse', 'HEAD');
      writeFileSync(join(dir, 'bench', 'results', 'latest.json'), '{"rewritten":true}');
      expect(describeCode(dir)).toEqual({ commit: withResults, uncommittedChanges: false });
      writeFileSync(join(dir, 'a.txt'), 'two');
      expect(describeCode(dir)).toEqual({ commit: withResults, uncommittedChanges: true });
    } finally {
      if (ceiling === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = ceiling;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
