/**
 * Gaps in the event stream: stretches in which events were sent but could not reach us, because
 * Redis cut our subscription (a pub/sub client more than `client-output-buffer-limit pubsub`
 * behind is disconnected, and everything in its buffer is gone), the link dropped, or the broker
 * hung. Redis keeps nothing for a subscriber that is away, so what was lost can only be estimated:
 * - by rate: the events/s received over the ~10 s before the gap, times its length;
 * - by the Lamport clock: Celery stamps every event with the sender's clock, so the first event
 *   after the gap carrying a clock far beyond the last one before says how many were sent
 *   meanwhile (exact for a cluster whose workers keep their clocks in step, a lower bound otherwise;
 *   it also counts what sat in Redis's buffer when the cut came, which the rate misses).
 * Workers' clocks are in step only loosely (gossip syncs them at each heartbeat, and not at all
 * `--without-gossip`), so with several senders the jump undercounts and the estimate is the larger
 * of the two. With one sender before the gap and the same one after it, the jump is a count of what
 * it sent, and the rate (which a burst just before a cut inflates) is not used.
 * A gap is recorded once events flow again (or a few seconds after the link is back, for a quiet
 * cluster).
 */
import type { CeleryEvent } from '../celery/types';

/** One recorded gap (epoch ms / seconds as named). */
export interface EventGap {
  /** When events stopped reaching us and when they reached us again, epoch ms. */
  from: number;
  to: number;
  /** Events estimated lost (see the module comment). */
  estimatedLost: number;
  /** How far the senders' Lamport clock moved across the gap, when an event told. */
  clockJump?: number;
  /** Why (safe to show). */
  reason: string;
}

interface PendingGap {
  from: number;
  reason: string;
  clockBefore: number;
  rate: number;
  /** The hostname of every event in the ~10 s before the gap, if they all had the same one. */
  soleSender: string | undefined;
  /** When the link was back (ms); a gap without events after it is recorded after SETTLE_MS. */
  resumedAt?: number;
}

const BUCKET_MS = 5000;
/** A bucket's senders when more than one hostname was seen in it. */
const SEVERAL = '\0several';
/** How long after the link is back a gap waits for an event to measure the clock jump. */
export const SETTLE_MS = 5000;

export class EventGapTracker {
  /** Epoch ms of the last event message received. */
  lastEventAt: number | undefined;
  private bucketStart = 0;
  private bucketEvents = 0;
  private previousEvents = 0;
  private previousMs = 0;
  private bucketSender: string | undefined;
  private previousSender: string | undefined;
  private pending: PendingGap | undefined;

  constructor(private readonly record: (gap: EventGap) => void) {}

  /** Events (of one message, or of a decoded batch) arrived at `now` (ms). Cheap: it runs for every batch. */
  received(events: readonly CeleryEvent[], now: number): void {
    if (now - this.bucketStart >= BUCKET_MS) {
      const span = now - this.bucketStart;
      // A bucket that ended long ago says nothing about the recent rate.
      this.previousEvents = span < 2 * BUCKET_MS ? this.bucketEvents : 0;
      this.previousMs = span < 2 * BUCKET_MS ? span : 0;
      this.previousSender = span < 2 * BUCKET_MS ? this.bucketSender : undefined;
      this.bucketStart = now;
      this.bucketEvents = 0;
      this.bucketSender = undefined;
    }
    this.bucketEvents += events.length;
    // `events` may be a decoding thread's batch of many senders' messages: look at each, until a second sender shows.
    for (let i = 0; i < events.length && this.bucketSender !== SEVERAL; i++) {
      const sender = events[i].hostname;
      if (sender !== this.bucketSender) this.bucketSender = this.bucketSender === undefined ? sender : SEVERAL;
    }
    this.lastEventAt = now;
    if (this.pending && events.length) this.finish(now, firstClocked(events));
  }

  /** Events/s over the last 5-10 s ending at `now` (ms). */
  rate(now: number): number {
    // At least a second, so a gap right after the first events does not extrapolate a burst.
    const ms = Math.max(1000, this.previousMs + Math.max(0, now - this.bucketStart));
    return ((this.previousEvents + this.bucketEvents) * 1000) / ms;
  }

  /** Events stopped reaching us from `from` (ms); `clock` is the receiver's Lamport clock now. */
  lost(from: number, reason: string, clock: number): void {
    if (this.pending) return;
    this.pending = { from, reason, clockBefore: clock, rate: this.rate(from), soleSender: this.soleSender() };
  }

  /** The link (or subscription) is back at `at` (ms). */
  resumed(at: number): void {
    if (this.pending && this.pending.resumedAt === undefined) this.pending.resumedAt = at;
  }

  /** Record a gap still waiting for an event, once its link has been back for SETTLE_MS. */
  settle(now: number): void {
    const resumedAt = this.pending?.resumedAt;
    if (resumedAt !== undefined && now - resumedAt >= SETTLE_MS) this.finish(resumedAt, undefined);
  }

  private soleSender(): string | undefined {
    const current = this.bucketSender;
    const previous = this.previousSender;
    if (current === SEVERAL || previous === SEVERAL) return undefined;
    if (current !== undefined && previous !== undefined && current !== previous) return undefined;
    return current ?? previous;
  }

  /** Forget a pending gap (stop()). */
  reset(): void {
    this.pending = undefined;
  }

  private finish(to: number, after: CeleryEvent | undefined): void {
    const gap = this.pending;
    if (!gap) return;
    this.pending = undefined;
    const byRate = Math.round((gap.rate * Math.max(0, to - gap.from)) / 1000);
    const clockJump = after !== undefined && gap.clockBefore > 0 ? after.clock - gap.clockBefore : undefined;
    // clockBefore is the receiver's clock, one past the last sender clock seen.
    const byClock = clockJump !== undefined ? Math.max(0, clockJump) : 0;
    const counted = byClock > 0 && gap.soleSender !== undefined && after?.hostname === gap.soleSender;
    this.record({ from: gap.from, to, estimatedLost: counted ? byClock : Math.max(byRate, byClock), clockJump, reason: gap.reason });
  }
}

/** The first event with a sender clock of its own (clients' `task-sent` clocks are ours). */
function firstClocked(events: readonly CeleryEvent[]): CeleryEvent | undefined {
  for (const event of events) if (event.type !== 'task-sent' && typeof event.clock === 'number' && event.clock > 0) return event;
  return undefined;
}
