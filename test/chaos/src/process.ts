import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

// The command as operators start it: the launcher execs Node with each command's flags.
const CLI = join(__dirname, '..', '..', '..', 'services', 'cli', 'bin', 'tthc');

/** A log line of a child, as pino writes it (JSON on stderr). */
export interface LogLine {
  readonly at: number;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

/**
 * One `tthc` process of the pipeline: its stdout, its JSON log lines with the time they arrived,
 * and its exit. The harness kills it, stops it, and bounds how long it may take to end.
 */
export class Tthc {
  readonly logs: LogLine[] = [];
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly child: ChildProcess;
  private readonly waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  constructor(
    readonly name: string,
    args: readonly string[],
    env: Readonly<Record<string, string>>,
  ) {
    this.child = spawn('bash', [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'info', ...env } });
    this.child.stdout?.on('data', (c: Buffer) => (this.stdout += c.toString()));
    let partial = '';
    this.child.stderr?.on('data', (c: Buffer) => {
      const text = partial + c.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) this.take(raw);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  }

  private take(raw: string): void {
    let fields: Record<string, unknown>;
    try {
      fields = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      fields = { msg: raw };
    }
    const line: LogLine = { at: Date.now(), msg: typeof fields.msg === 'string' ? fields.msg : raw, fields };
    this.logs.push(line);
    for (const w of [...this.waiters]) {
      if (w.match(line)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  }

  /** The first log line from now on that matches, or an error after `ms`. */
  waitFor(match: (l: LogLine) => boolean, ms: number, what: string): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no "${what}" within ${ms / 1000} s`)), ms);
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before "${what}"`));
      });
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Waits for the exit within `ms`; past it, kills the process and says it did not end. */
  async exitWithin(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms));
    const result = await Promise.race([this.exited, timer]);
    if (result === 'late') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`${this.name} did not exit within ${ms / 1000} s`);
    }
    return result;
  }
}

export const isBatch = (l: LogLine): boolean => l.msg === 'batch ingested' || l.msg === 'batch projected';
