import { PeriodError } from '@tthc/core';
import { errorLine } from './main';
import { UsageError } from './options';

describe('a failed command', () => {
  it("prints the pipeline's error code before the message", () => {
    expect(errorLine(new UsageError('--period: must be a period'))).toBe('tthc [USAGE]: --period: must be a period\n');
    expect(errorLine(new PeriodError('invalid date range'))).toBe('tthc [INVALID_PERIOD]: invalid date range\n');
  });

  it('prints only the message of any other error', () => {
    expect(errorLine(new Error("ENOENT: no such file or directory, stat 'feed.ndjson'"))).toBe("tthc: ENOENT: no such file or directory, stat 'feed.ndjson'\n");
    expect(errorLine('a string thrown')).toBe('tthc: a string thrown\n');
  });
});
