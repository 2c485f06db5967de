/** What both subscribers of bench:e2e (the monitor and the bare reference) do to pace the replay and to end it. */
import type { Redis } from 'ioredis';
import { ACK_CHANNEL } from './benchRedis';

/**
 * Publish `count()` on ACK_CHANNEL every 20 ms when it moved: the publisher's window follows it.
 * What a real host does not do, so kept cheap (3,000 events at 150k/s, well inside the window).
 * Returns the stop function.
 */
export function startAcks(probe: Redis, count: () => number): () => void {
  let acked = -1;
  const timer = setInterval(() => {
    const now = count();
    if (now === acked) return;
    acked = now;
    void probe.publish(ACK_CHANNEL, String(acked)).catch(() => undefined);
  }, 20);
  return () => clearInterval(timer);
}

/**
 * Wait until `count()` reaches `target`, or has not moved for 3 s (then something was lost).
 * Resolves to the time the count last moved (performance.now()), not the end of that wait.
 */
export async function waitForCount(count: () => number, target: number): Promise<number> {
  let last = count();
  let movedAt = performance.now();
  while (last < target && performance.now() - movedAt < 3000) {
    await new Promise((r) => setTimeout(r, 50));
    const now = count();
    if (now !== last) movedAt = performance.now();
    last = now;
  }
  return last >= target ? performance.now() : movedAt;
}
