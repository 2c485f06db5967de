/**
 * CPU seconds per thread of this process (and of the bench's other processes), from Linux's /proc/self/task/<tid>/stat (user + system
 * clock ticks). On a machine that also runs other work, the host thread's CPU per event is the
 * figure that does not move with the load: it says how much one free core would keep up with.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds of the main thread and of all the other threads, or undefined off Linux. */
export function threadCpuSeconds(): { main: number; others: number } | undefined {
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      if (Number(tid) === process.pid) main = seconds;
      else others += seconds;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far (user + system), or undefined off Linux or once it is gone. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
