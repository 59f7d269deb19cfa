import { execFile } from 'node:child_process';
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
