/** Delay after a stop was asked for before the process ends anyway. */
export const STOP_BOUND_MS = 30_000;

const controller = new AbortController();
let stoppedBy: NodeJS.Signals | undefined;

function onStop(signal: NodeJS.Signals): void {
  stoppedBy ??= signal;
  controller.abort();
  const watchdog = setTimeout(() => {
    process.stderr.write(`tthc: stopping after ${signal} took longer than ${STOP_BOUND_MS / 1000} s; exiting\n`);
    process.exit(1);
  }, STOP_BOUND_MS);
  // The watchdog alone never keeps the process alive.
  watchdog.unref();
}

// Listening from the first module the process loads: a SIGINT or SIGTERM that comes while the
// program is still loading or opening its store (slow on a busy machine) is a stop request like
// any other, not the default action that kills the process before it can end cleanly.
process.once('SIGINT', onStop);
process.once('SIGTERM', onStop);

/**
 * Aborted on the first SIGINT or SIGTERM (even one that came before the command started), so long
 * runs finish the batch in hand and exit cleanly; short commands simply finish. A stop that does
 * not end within STOP_BOUND_MS (a client waiting on a server that is gone) ends the process anyway,
 * with exit code 1; what was committed stays committed. A second signal ends it at once.
 */
export function stopSignal(): AbortSignal {
  return controller.signal;
}

/** The signal that asked for the stop, if one came. */
export function stopSignalName(): NodeJS.Signals | undefined {
  return stoppedBy;
}

/**
 * The exit code of a command whose work a signal cut short: 128 + the signal's number, as a shell
 * reports a process killed by it (130 for SIGINT, 143 for SIGTERM), so that scripts see it unfinished.
 */
export function interruptedExitCode(signal: NodeJS.Signals | undefined): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
