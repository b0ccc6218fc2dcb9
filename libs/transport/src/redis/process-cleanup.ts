/**
 * Last-resort cleanup of the processes libs/transport starts (private
 * redis-servers): when the Node process exits, or receives SIGINT, SIGTERM or
 * SIGHUP, every registered cleanup runs synchronously (SIGKILL + remove the
 * temp dir). Signal handlers exist only while something is registered, and
 * after cleaning up the signal is re-raised when nobody else listens for it,
 * so the process still dies the way it would have.
 *
 * A SIGKILL of the Node process itself cannot be caught; a redis-server
 * orphaned that way keeps its port until killed by hand.
 */
type Cleanup = () => void;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const cleanups = new Set<Cleanup>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Exit-time cleanup is best effort: one failure must not stop the others.
    }
  }
}

function onExit(): void {
  runAll();
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', onExit);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/** Registers a synchronous cleanup; returns the function that unregisters it. */
export function registerExitCleanup(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  install();
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}

/** How many cleanups are pending (tests check nothing is left behind). */
export function pendingExitCleanupCount(): number {
  return cleanups.size;
}
