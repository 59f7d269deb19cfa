import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaleProfile, type SimulationProfile } from '@tthc/simulator';
import { DEMO_PROFILE } from './commands/demo';

// `services/cli/bin/tthc` as an operator starts it, on the build (pnpm test builds first): exit codes and signals are the point here.
const LAUNCHER = join(__dirname, '..', 'bin', 'tthc');
// Piped stderr: structured logs at info, no progress bar.
const env = { ...process.env, LOG_LEVEL: 'info', CI: '1' };

const tthc = (args: string[], cwd?: string) => {
  const result = spawnSync('bash', [LAUNCHER, ...args], { encoding: 'utf8', env, cwd, maxBuffer: 256 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The demo profile scaled by `factor`, simulated into an NDJSON feed (its registry line first). */
function simulatedFeed(dir: string, factor: number): string {
  const scaled = scaleProfile(JSON.parse(readFileSync(DEMO_PROFILE, 'utf8')) as SimulationProfile, factor);
  if (!scaled.ok) throw new Error(JSON.stringify(scaled.problems));
  const profile = join(dir, `profile-${factor}.json`);
  writeFileSync(profile, JSON.stringify(scaled.profile));
  const feed = join(dir, `feed-${factor}.ndjson`);
  const simulated = tthc(['simulate', '--profile', profile, '--out', feed]);
  if (simulated.status !== 0) throw new Error(simulated.stderr);
  return feed;
}

type Counts = { consumed: number; appended: number; duplicates: number; deadLettered: number; parked: number };

/** Starts tthc, sends SIGINT once it has stored a batch, and resolves with its exit code and stderr. */
async function interruptedAfterFirstBatch(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [LAUNCHER, ...args], { env });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => {
    const first = !stderr.includes('batch ingested');
    stderr += chunk.toString();
    if (first && stderr.includes('batch ingested')) child.kill('SIGINT');
  });
  return { code: await exited, stdout, stderr };
}

describe('tthc ingest --file stopped by SIGINT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-interrupt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says where it stopped and how many events it stored, exits 130, and a rerun appends the rest', async () => {
    const feed = simulatedFeed(dir, 0.04);
    const events = readFileSync(feed, 'utf8').trimEnd().split('\n').length - 1;
    const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
    const { code, stdout, stderr } = await interruptedAfterFirstBatch(['ingest', '--file', feed, '--store', store]);
    expect(code).toBe(130);
    expect(stdout).toBe('');
    const said = /tthc \[INTERRUPTED\]: .*stopped by SIGINT after line ([\d,]+): ([\d,]+) events stored in this run; run the same command again to resume/.exec(
      stderr,
    );
    expect(said).not.toBeNull();
    const line = Number(said?.[1]?.replace(/,/g, ''));
    const stored = Number(said?.[2]?.replace(/,/g, ''));
    expect(line).toBeLessThan(events);
    expect(stored).toBeGreaterThan(0);

    // The rerun reads the file from its start: what the first run stored counts as duplicates, the rest is appended.
    const rerun = tthc(['ingest', '--file', feed, '--store', store]);
    expect(rerun.status).toBe(0);
    const counts = (JSON.parse(rerun.stdout) as { ingest: Counts }).ingest;
    expect(counts).toMatchObject({ consumed: events, duplicates: stored, appended: events - stored, deadLettered: 0 });
  }, 120_000);
});

describe('tthc demo stopped by SIGINT during its ingest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-demo-interrupt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints no report, says where it stopped, and exits 130', async () => {
    const store = `sqlite:${join(dir, 'tthc.sqlite')}`;
    const { code, stdout, stderr } = await interruptedAfterFirstBatch(['demo', '--scale', '0.04', '--store', store, '--out', join(dir, 'feed.ndjson')]);
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/tthc \[INTERRUPTED\]: .*feed\.ndjson: stopped by SIGINT after line [\d,]+: [\d,]+ events stored in this run/);
  }, 120_000);
});

describe('a file or demo whose events are all refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-refused-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with ALL_REFUSED, the count and the reasons, when it stored nothing', () => {
    const feed = simulatedFeed(dir, 0.001);
    const registryLine = readFileSync(feed, 'utf8').split('\n')[0] ?? '';
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, [registryLine, '{"not":"an event"}', '{"neither":1}', ''].join('\n'));
    const result = tthc(['ingest', '--file', bad, '--store', `sqlite:${join(dir, 'tthc.sqlite')}`]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/tthc \[ALL_REFUSED\]: .*bad\.ndjson: nothing was stored: .*2 refused: 2 [a-z-]+/);
    // Piped, each letter is still a structured log line, as a log collector expects.
    expect(result.stderr.match(/"msg":"dead letter"/g)).toHaveLength(2);
  });
});

describe('tthc demo of another scale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-demo-stores-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its events in a store of its own, so that a quick look after a larger run reports its own figures', () => {
    const resolved = (factor: number) => {
      const scaled = scaleProfile(JSON.parse(readFileSync(DEMO_PROFILE, 'utf8')) as SimulationProfile, factor);
      if (!scaled.ok) throw new Error(JSON.stringify(scaled.problems));
      return scaled.profile.levels.province?.resolved;
    };
    const report = (factor: number) => {
      const result = tthc(['demo', '--scale', String(factor), '--seed', '9', '--format', 'json'], dir);
      expect(result.stderr).not.toMatch(/"msg":"dead letter"/);
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout) as { levels: { province: { resolved: number } } };
    };
    expect(report(0.01).levels.province.resolved).toBe(resolved(0.01));
    expect(report(0.005).levels.province.resolved).toBe(resolved(0.005));
    expect(readFileSync(join(dir, 'data', 'lam-dong-2024-h1-x0.005-seed-9.sqlite')).length).toBeGreaterThan(0);
  }, 180_000);
});

describe('tthc demo watched on a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-terminal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows progress bars and the report, and no log line from its projection worker', () => {
    // `script` gives the command a pseudo-terminal, as a person's shell would; CI's variable would hide the bars, the tests' LOG_LEVEL the logs.
    const { CI: _ci, LOG_LEVEL: _level, ...terminalEnv } = process.env;
    const command = ['bash', LAUNCHER, 'demo', '--scale', '0.01', '--store', `sqlite:${join(dir, 'tthc.sqlite')}`, '--out', join(dir, 'feed.ndjson')];
    const result = spawnSync('script', ['-qec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], {
      encoding: 'utf8',
      env: { ...terminalEnv, TERM: 'dumb' },
      timeout: 300_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('project    ');
    expect(result.stdout).toContain('Tổng cộng');
    expect(result.stdout).not.toContain('"level":"info"');
    // The projection's bar starts once it has caught up during ingest: its first rate is not its whole count over a millisecond.
    const projectRates = result.stdout
      .split(/[\r\n]/)
      .filter((l) => l.includes('project '))
      .map((l) => /\| ([\d,–]+)\/s \|/.exec(l)?.[1] ?? '');
    expect(projectRates.length).toBeGreaterThan(0);
    expect(projectRates.filter((r) => r !== '–' && Number(r.replace(/,/g, '')) > 1_000_000)).toEqual([]);
  });
});
