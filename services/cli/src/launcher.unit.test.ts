import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `services/cli/bin/tthc`, the command as operators start it (`pnpm tthc`). It runs the build: pnpm test builds first.
const LAUNCHER = join(__dirname, '..', 'bin', 'tthc');

describe('the tthc launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tthc-launcher-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Loaded before the CLI: says how large V8 lets the heap grow in the process the launcher started.
  const probe = join(dir, 'heap-limit.js');
  writeFileSync(probe, "process.stderr.write(`heap-limit-mb=${Math.round(require('node:v8').getHeapStatistics().heap_size_limit / 1048576)}\\n`);\n");

  const run = (args: string[], env: Record<string, string> = {}) => {
    const result = spawnSync('bash', [LAUNCHER, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--require ${probe}`, ...env } });
    const limit = /heap-limit-mb=(\d+)/.exec(result.stderr)?.[1];
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, heapLimitMb: limit === undefined ? undefined : Number(limit) };
  };

  it('prints its version, and answers a usage mistake with one line naming it and exit 2, not the whole help', () => {
    const version = run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const args of [['report', '--no-such-option'], ['no-such-command'], ['report', '--period']]) {
      const { status, stdout, stderr } = run(args);
      expect({ args, status }).toEqual({ args, status: 2 });
      expect(stdout).toBe('');
      const lines = stderr.split('\n').filter((line) => line !== '' && !line.startsWith('heap-limit-mb='));
      expect(lines[0]).toMatch(/^tthc \[USAGE\]: /);
      expect(lines.join('\n')).toContain('--help');
      expect(stderr).not.toContain('Usage:');
      expect(lines.length).toBeLessThanOrEqual(2);
    }
  });

  it('caps the heap of the long-running commands, so that their garbage does not grow it past their bounded state', () => {
    for (const command of ['ingest', 'project', 'replay']) {
      const { status, stdout, heapLimitMb } = run([command, '--help']);
      expect(status).toBe(0);
      expect(stdout).toContain(`Usage: tthc ${command}`);
      // The old generation's cap plus the young generation's room.
      expect(heapLimitMb).toBeGreaterThanOrEqual(256);
      expect(heapLimitMb).toBeLessThan(512);
    }
  });

  it('leaves the other commands uncapped, and takes another cap, or none, from TTHC_MAX_OLD_SPACE_MB', () => {
    expect(run(['simulate', '--help']).heapLimitMb).toBeGreaterThan(1024);
    const raised = run(['replay', '--help'], { TTHC_MAX_OLD_SPACE_MB: '1024' }).heapLimitMb;
    expect(raised).toBeGreaterThanOrEqual(1024);
    expect(raised).toBeLessThan(1400);
    expect(run(['replay', '--help'], { TTHC_MAX_OLD_SPACE_MB: '0' }).heapLimitMb).toBeGreaterThan(1400);
  });

  it('refuses a cap that is not a whole number of megabytes, naming the variable', () => {
    const { status, stderr } = run(['ingest', '--help'], { TTHC_MAX_OLD_SPACE_MB: '256m' });
    expect(status).toBe(2);
    expect(stderr).toContain("tthc: TTHC_MAX_OLD_SPACE_MB: must be a whole number of megabytes (0: no cap), not '256m'");
  });

  it("prints a failed command's error code and message, and exits 2 for bad input", () => {
    const { status, stdout, stderr } = run(['report', '--period', '2024-H3']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^tthc \[USAGE\]: --period: must be a period/m);
  });
});
