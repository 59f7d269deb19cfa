import { PeriodError } from '@tthc/core';
import { errorLine } from './main';
import { UsageError } from './options';

describe('a failed command', () => {
  it("prints the pipeline's error code before the message", () => {
    expect(errorLine(new UsageError('--period: must be a period'))).toBe('tthc [USAGE]: --period: must be a period\n');
    expect(errorLine(new PeriodError('invalid date range'))).toBe('tthc [INVALID_PERIOD]: invalid date range\n');
  });

  it('knows the code of an error that came from a worker thread, which keeps its properties but not its class', () => {
    const fromWorker = Object.assign(new Error('projection daily-counts version 1 is being run by another runner'), {
      name: 'ProjectionLockedError',
      code: 'PROJECTION_LOCKED',
    });
    expect(errorLine(fromWorker)).toBe('tthc [PROJECTION_LOCKED]: projection daily-counts version 1 is being run by another runner\n');
  });

  it('prints only the message of any other error', () => {
    expect(errorLine(Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' }))).toBe('tthc: ENOENT: no such file or directory\n');
    expect(errorLine(new Error("ENOENT: no such file or directory, stat 'feed.ndjson'"))).toBe("tthc: ENOENT: no such file or directory, stat 'feed.ndjson'\n");
    expect(errorLine('a string thrown')).toBe('tthc: a string thrown\n');
  });
});
