/**
 * CPU seconds per thread of this process (and of the bench's other processes), from Linux's /proc/self/task/<tid>/stat (user + system
 * clock ticks). On a machine that also runs other work, the host thread's CPU per event is the
 * figure that does not move with the load: it says how much one free core would keep up with.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds of the main thread, of all the other threads, and of each thread by id; undefined off Linux. */
export function threadCpuSeconds(): { main: number; others: number; byThread: Map<number, number> } | undefined {
  try {
    let main = 0;
    let others = 0;
    const byThread = new Map<number, number>();
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      byThread.set(Number(tid), seconds);
      if (Number(tid) === process.pid) main = seconds;
      else others += seconds;
    }
    return { main, others, byThread };
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

/**
 * The CPU seconds, between two readings, of the busiest thread other than the main one: in the
 * end-to-end bench, the event decoding thread (every thread is named "node", so it is told by its
 * load; the rest are V8's GC helpers and libuv's pool).
 */
export function busiestOtherThreadSeconds(before: Map<number, number>, after: Map<number, number>): number {
  let busiest = 0;
  for (const [tid, seconds] of after) {
    if (tid === process.pid) continue;
    busiest = Math.max(busiest, seconds - (before.get(tid) ?? 0));
  }
  return busiest;
}
