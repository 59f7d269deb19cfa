import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildProgram } from '@tthc/cli';

/** Runs a tthc command in-process, as a user would type it, and returns what it printed on stdout. */
export async function runTthc(...args: string[]): Promise<string> {
  const chunks: string[] = [];
  const program = buildProgram({
    write: (text) => {
      chunks.push(text);
      return Promise.resolve();
    },
    writeBytes: () => Promise.reject(new Error('runTthc collects text: give a binary format --out FILE')),
    isTerminal: false,
  });
  await program.parseAsync(['node', 'tthc', ...args]);
  return chunks.join('');
}

/**
 * Runs a tthc command as a process of its own, from the build, as an operator runs it; resolves with
 * its stdout, rejects with its stderr. For the Kafka clients of end-to-end tests: each command's
 * clients live and end with their own process, apart from the test runner's.
 */
export function runTthcProcess(...args: string[]): Promise<string> {
  const main = join(__dirname, '../../services/cli/dist/main.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [main, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'error' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tthc ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** What a tthc process printed, how it ended, and how long it took. */
export interface LauncherRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs `services/cli/bin/tthc` as an operator starts it, on the build, with `env` added to the
 * environment and the variables named in `without` taken out of it; resolves however it exits.
 */
export function runLauncher(args: readonly string[], env: Record<string, string> = {}, without: readonly string[] = []): Promise<LauncherRun> {
  const launcher = join(__dirname, '../../services/cli/bin/tthc');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !without.includes(name)));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [launcher, ...args], { env: { ...inherited, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}
