/**
 * The owner's side of the event subscriptions the decoding thread holds (threadEventSubscriber.ts):
 * each appears here as a {@link Subscription} whose close and probe are messages to the thread.
 * The decoded batches themselves go through EventDecoderThread, not here.
 */
import type { Subscription } from '../broker/broker';
import type { RedisEventSource } from '../broker/redis/redisEventSource';
import type { ProbeVerdict } from '../broker/redis/subscriberProbe';
import { CeleryLensError, TimeoutError } from '../util/errors';
import type { FromSubscriber, ToSubscriber } from './threadSubscriptionProtocol';

export interface ThreadSubscriptionHandlers {
  /** Cut and re-made by the thread's client (see PatternSubscriptionRequest.onInterruption). */
  onInterruption(lostAt: number, resumedAt: number, reason: string): void;
  /** The thread stopped while the subscription was live: nothing arrives through it any more. */
  onLost(reason: string): void;
}

interface Entry {
  id: number;
  handlers: ThreadSubscriptionHandlers;
  state: 'subscribing' | 'live' | 'closing';
  resolve(subscription: Subscription): void;
  reject(err: Error): void;
  /** Set while closing: the thread said it unsubscribed (or is gone). */
  closed?: () => void;
  closing?: Promise<void>;
}

/** The thread's failure as the error a broker call would have given (same code, same text). */
function failureOf(message: string, code: string): CeleryLensError {
  return code === 'TIMEOUT' ? new TimeoutError(message) : new CeleryLensError(message, code);
}

export class ThreadSubscriptions {
  private nextId = 1;
  private nextProbe = 1;
  private readonly entries = new Map<number, Entry>();
  private readonly probes = new Map<number, (verdict: ProbeVerdict) => void>();

  constructor(private readonly post: (message: ToSubscriber) => void) {}

  /** Resolves once the thread subscribed; rejects with an error safe to show. */
  subscribe(source: RedisEventSource, handlers: ThreadSubscriptionHandlers): Promise<Subscription> {
    const id = this.nextId++;
    return new Promise<Subscription>((resolve, reject) => {
      this.entries.set(id, { id, handlers, state: 'subscribing', resolve, reject });
      this.post({ kind: 'subscribe', id, source });
    });
  }

  /** A message from the thread (any but `events` and `log`). */
  handle(message: FromSubscriber): void {
    if (message.kind === 'probed') {
      this.probes.get(message.id)?.(message.verdict);
      this.probes.delete(message.id);
      return;
    }
    if (message.kind === 'events' || message.kind === 'log') return;
    const entry = this.entries.get(message.id);
    if (!entry) return;
    switch (message.kind) {
      case 'subscribed':
        if (entry.state !== 'subscribing') return;
        entry.state = 'live';
        entry.resolve(this.subscriptionOf(entry));
        return;
      case 'subscribe-failed':
        this.entries.delete(entry.id);
        entry.reject(failureOf(message.message, message.code));
        return;
      case 'interrupted':
        if (entry.state === 'live') entry.handlers.onInterruption(message.lostAt, message.resumedAt, message.reason);
        return;
      case 'unsubscribed':
        this.entries.delete(entry.id);
        entry.closed?.();
        return;
    }
  }

  /**
   * The thread is gone (`lost`: it failed; otherwise its owner closed it): subscribing rejects,
   * closing is done, and a live subscription hears onLost only when the thread failed.
   */
  threadGone(reason: string, lost: boolean): void {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      if (entry.state === 'subscribing') entry.reject(new CeleryLensError(reason, 'CLOSED'));
      else if (entry.state === 'closing') entry.closed?.();
      else if (lost) entry.handlers.onLost(reason);
    }
    for (const answer of this.probes.values()) answer('unknown');
    this.probes.clear();
  }

  private subscriptionOf(entry: Entry): Subscription {
    return {
      close: () => {
        if (entry.closing) return entry.closing;
        if (!this.entries.has(entry.id)) return Promise.resolve();
        entry.state = 'closing';
        entry.closing = new Promise<void>((resolve) => {
          entry.closed = resolve;
          this.post({ kind: 'unsubscribe', id: entry.id });
        });
        return entry.closing;
      },
      probe: () => {
        if (entry.state !== 'live' || !this.entries.has(entry.id)) return Promise.resolve('unknown');
        const id = this.nextProbe++;
        return new Promise<ProbeVerdict>((resolve) => {
          this.probes.set(id, resolve);
          this.post({ kind: 'probe', id });
        });
      },
      // No setPaused: the thread pauses its own socket (threadEventSubscriber.ts).
    };
  }
}
