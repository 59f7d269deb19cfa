/**
 * Loaded with `node --require` into each `tthc` process the bench starts: on exit it writes the
 * process's peak resident set size (`process.resourceUsage().maxRSS`, kilobytes, from getrusage) to
 * the file named by TTHC_BENCH_RSS_FILE. It changes nothing else in the process.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.TTHC_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // The bench reports a missing figure; the process's own exit code stands.
    }
  });
}
