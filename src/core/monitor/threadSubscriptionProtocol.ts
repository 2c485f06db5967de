/**
 * The messages between the owner of the model and the decoding thread when the thread holds the
 * Redis event subscription itself (threadEventSubscriber.ts): the owner's thread then receives
 * decoded batches only, never a raw message. Plain data, posted with structured clone.
 */
import type { RedisEventSource } from '../broker/redis/redisEventSource';
import type { ProbeVerdict } from '../broker/redis/subscriberProbe';
import type { Undecodable } from '../celery/rawMessage';
import type { PackedEvents } from './eventColumns';

/** To the thread. Each subscription has the owner's id; a new one replaces the current one. */
export type ToSubscriber =
  | { kind: 'subscribe'; id: number; source: RedisEventSource }
  /** One `events` batch is applied: the thread may post another (see MAX_BATCHES_AHEAD). */
  | { kind: 'applied' }
  /** `id` names the probe, not the subscription (the current one is probed). */
  | { kind: 'probe'; id: number }
  | { kind: 'unsubscribe'; id: number };

/** From the thread. */
export type FromSubscriber =
  | { kind: 'subscribed'; id: number }
  /** The connect or PSUBSCRIBE failed; `message` is safe to show, `code` a CeleryLensError code. */
  | { kind: 'subscribe-failed'; id: number; message: string; code: string }
  /** `bytes`: raw payload bytes the batch was decoded from. */
  | { kind: 'events'; packed: PackedEvents; errors: Undecodable[]; clock: number; bytes: number }
  | { kind: 'interrupted'; id: number; lostAt: number; resumedAt: number; reason: string }
  | { kind: 'log'; level: 'debug' | 'warn'; message: string }
  | { kind: 'probed'; id: number; verdict: ProbeVerdict }
  | { kind: 'unsubscribed'; id: number };
