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
