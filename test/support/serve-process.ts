import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** `tthc serve` as an operator runs it: a process of its own, from the build. */
const MAIN = join(__dirname, '../../services/cli/dist/main.js');

export interface RunningServe {
  readonly child: ChildProcess;
  readonly address: string;
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

export function serveProcess(args: string[], env: Record<string, string> = {}): Promise<RunningServe> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve({ child, address: (JSON.parse(line) as { serving: string }).serving, exited }));
    void exited.then(({ code }) => reject(new Error(`tthc serve exited with ${code}: ${stderr}`)));
  });
}
