/**
 * `npm start` owns what it starts: whatever way it is told to stop, it stops DynamoDB Local and
 * the server before it exits. Ctrl-C reaches every process of the terminal's group; SIGTERM and
 * SIGHUP, as an IDE or a process manager sends them, reach only npm, which passes them to the shell
 * it runs the script in, not to this process. So besides the signals themselves, the process
 * watches the processes that started it: when its parent (npm's shell) or that one's parent (npm)
 * is gone, it is on its own, and stops.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const WATCH_INTERVAL_MS = 250;

/**
 * Calls `stop` once, then exits (0), on SIGINT, SIGTERM or SIGHUP, or when the process that
 * started this one (or the one that started it) is gone.
 */
export function stopWithParent(stop: () => Promise<void>): void {
  let stopping = false;
  const stopAndExit = () => {
    if (stopping) return;
    stopping = true;
    void stop()
      .catch((error: unknown) => console.error(`While stopping: ${(error as Error).message}`))
      .finally(() => process.exit(0));
  };
  for (const signal of SIGNALS) process.on(signal, stopAndExit);

  const ancestors = [process.ppid, parentOf(process.ppid)].filter(
    (pid): pid is number => pid !== undefined && pid > 1,
  );
  const watch = setInterval(() => {
    if (process.ppid !== ancestors[0] || ancestors.some((pid) => !isRunning(pid))) stopAndExit();
  }, WATCH_INTERVAL_MS);
  // Never the reason the process stays alive.
  watch.unref();
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent of a process, where the system says (Linux's /proc, else `ps`); undefined elsewhere. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …: the name may hold spaces or parentheses, so read after its last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    try {
      const ppid = Number(
        execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
      );
      return Number.isInteger(ppid) ? ppid : undefined;
    } catch {
      return undefined;
    }
  }
}
