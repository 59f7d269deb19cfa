import { Writable } from 'node:stream';
import { createProgress, duration } from './progress';

/** A terminal-like stream that keeps what the bar drew last. */
function fakeTerminal() {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true },
  ) as unknown as NodeJS.WriteStream;
  // The last redraw of the bar's line, without the terminal's escape sequences.
  const ESC = String.fromCharCode(27);
  const redraw = new RegExp(`\r|${ESC}\\[1G`);
  const escapes = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g');
  const last = () =>
    (
      text
        .split(redraw)
        .filter((l) => l.includes('|'))
        .at(-1) ?? ''
    ).replace(escapes, '');
  return { stream, last };
}

describe('progress bar', () => {
  const saved = process.env.CI;
  beforeAll(() => delete process.env.CI);
  afterAll(() => {
    if (saved !== undefined) process.env.CI = saved;
  });

  it('shows no rate and no ETA before time has passed, rather than its whole count over a millisecond', async () => {
    const { stream, last } = fakeTerminal();
    const bar = createProgress('project', 'events', stream);
    bar.update(1_465_000, 1_470_748);
    expect(last()).toContain('| 1465000/1470748 events | –/s | ETA –');
    await new Promise((resolve) => setTimeout(resolve, 20));
    bar.update(1_470_748, 1_470_748);
    bar.stop();
    expect(last()).toMatch(/\| 1470748\/1470748 events \| [\d,]+\/s \| ETA 0s/);
    expect(last()).not.toContain('LL');
  });

  it('writes durations as a person reads them', () => {
    expect([duration(8), duration(75), duration(4000), duration(-1)]).toEqual(['8s', '1m15s', '1h06m', '0s']);
  });
});
