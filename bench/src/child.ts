import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@tthc/logging';

/** `services/cli/dist/main.js`: the `tthc` command that `pnpm build` builds. */
export const CLI_MAIN = join(__dirname, '..', '..', 'services', 'cli', 'dist', 'main.js');
/** `services/cli/bin/tthc`: how operators start it (`pnpm tthc`), with the Node flags of each command. */
const CLI_BIN = join(__dirname, '..', '..', 'services', 'cli', 'bin', 'tthc');
/** Loaded into every child to report its peak RSS on exit. */
const RSS_PROBE = join(__dirname, 'rss-probe.js');
/** How much of a child's stderr is kept for the error message when it fails. */
const STDERR_TAIL = 16 * 1024;

/** One `tthc` process: its wall time from spawn to exit, its peak RSS and what it printed. */
export interface ChildRun {
  readonly seconds: number;
  /** `process.resourceUsage().maxRSS` of the process, in MiB. */
  readonly peakRssMb: number;
  readonly stdout: string;
}

/** A `tthc` process started with `Tthc.start`. */
export interface RunningTthc {
  /** Settles when the process exits: its figures, or an error for a non-zero exit. */
  readonly done: Promise<ChildRun>;
  /** SIGTERM, if it is still running. */
  stop(): void;
}

/**
 * Runs `tthc` commands as child processes of the bench, one at a time (or side by side with `start`),
 * as an operator would: `services/cli/bin/tthc …`, which execs Node with the command's flags; the
 * probe comes in through NODE_OPTIONS (`--require rss-probe.js`). With `cpuProfDir`, each also writes
 * a V8 CPU profile there (`--cpu-prof`), named after its label.
 */
export class Tthc {
  private readonly running = new Set<ChildProcess>();
  private count = 0;

  constructor(private readonly options: { tempDir: string; logger: Logger; cpuProfDir?: string | undefined }) {}

  /** Whether the CLI is built. */
  static available(): boolean {
    return existsSync(CLI_MAIN) && existsSync(CLI_BIN) && existsSync(RSS_PROBE);
  }

  async run(label: string, args: readonly string[]): Promise<ChildRun> {
    return this.start(label, args).done;
  }

  /**
   * Starts a command and returns at once, for processes that run side by side (ingest and a
   * following projection): `done` settles when it exits (rejecting on a non-zero exit), `stop` sends
   * it SIGTERM, which our long-running commands take as "finish the batch in hand and exit".
   */
  start(label: string, args: readonly string[]): RunningTthc {
    this.count += 1;
    const rssFile = join(this.options.tempDir, `rss-${this.count}.txt`);
    // NODE_OPTIONS takes quoted values (the probe's path may hold spaces) but not --cpu-prof, which
    // the launcher takes in TTHC_NODE_ARGS, split at spaces (the bench's options refuse a directory with one).
    const quoted = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;
    const nodeOptions = [process.env.NODE_OPTIONS ?? '', '--require', quoted(RSS_PROBE)].join(' ').trim();
    const profile = this.options.cpuProfDir ? `--cpu-prof --cpu-prof-dir=${this.options.cpuProfDir} --cpu-prof-name=${label}.cpuprofile` : '';
    const argv = [CLI_BIN, ...args];
    this.options.logger.debug({ label, args }, 'tthc started');
    const started = performance.now();
    const child = spawn('bash', argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      // Logs at warn: the bench times the work, not the logging of every batch.
      env: { ...process.env, NODE_OPTIONS: nodeOptions, TTHC_NODE_ARGS: profile, LOG_LEVEL: 'warn', TTHC_BENCH_RSS_FILE: rssFile },
    });
    this.running.add(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    const done = (async (): Promise<ChildRun> => {
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (exitCode, signal) => resolve(signal ? null : exitCode));
      }).finally(() => this.running.delete(child));
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) throw new Error(`tthc ${args.join(' ')} (${label}) exited with ${code ?? 'a signal'}:\n${err.trim()}`);
      const reported = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim()) : Number.NaN;
      rmSync(rssFile, { force: true });
      if (!Number.isFinite(reported)) throw new Error(`tthc ${args.join(' ')} (${label}): its peak RSS was not reported`);
      const peakRssMb = Math.round(reported / 1024);
      this.options.logger.debug({ label, seconds, peakRssMb }, 'tthc done');
      return { seconds, peakRssMb, stdout: Buffer.concat(out).toString('utf8') };
    })();
    // A caller that stops waiting (another process failed first) must not leave an unhandled rejection.
    done.catch(() => undefined);
    return {
      done,
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
    };
  }

  /** Ends the processes still running (on Ctrl-C), each by its own pid: SIGTERM, then SIGKILL for one still running after 10 s. */
  async stopAll(): Promise<void> {
    const exits = [...this.running].map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 10_000);
          child.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}

/** The last JSON line a command printed. */
export function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  if (!last) throw new Error('the command printed nothing');
  return JSON.parse(last);
}
