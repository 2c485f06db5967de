/**
 * Remote control over the pidbox, on top of a Broker's broadcast: Celery's `app.control` in small.
 * Replies are folded into `{ nodename: payload }` like `celery inspect --json` prints them.
 */
import type { Broker, ControlReply } from '../broker/broker';
import type { Undecodable } from '../celery/rawMessage';
import { normaliseSignal } from './methods';

export interface CallOptions {
  destination?: string[];
  timeoutMs?: number;
  /** Stop when this many replies came (defaults to the destination count). */
  limit?: number;
}

export interface CallResult {
  /** `{ nodename: payload }`; a worker that answered twice keeps its first answer. */
  byWorker: Record<string, unknown>;
  replies: ControlReply[];
  errors: Undecodable[];
}

export const DEFAULT_CONTROL_TIMEOUT_MS = 1000;

export class RemoteControl {
  constructor(
    private readonly broker: Broker,
    private readonly defaultTimeoutMs = DEFAULT_CONTROL_TIMEOUT_MS,
  ) {}

  /** Broadcast and collect replies until the timeout or the expected count. */
  async call(method: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallResult> {
    const destination = options.destination?.length ? options.destination : undefined;
    const { replies, errors } = await this.broker.broadcast(method, args, {
      destination,
      timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
      limit: options.limit ?? destination?.length,
      reply: true,
    });
    const byWorker: Record<string, unknown> = {};
    for (const reply of replies) {
      if (!(reply.hostname in byWorker)) byWorker[reply.hostname] = reply.reply;
    }
    return { byWorker, replies, errors };
  }

  /** Fire and forget: no ticket, no reply expected (shutdown, heartbeat). */
  async cast(method: string, args: Record<string, unknown>, destination?: string[]): Promise<void> {
    await this.broker.broadcast(method, args, {
      destination: destination?.length ? destination : undefined,
      timeoutMs: 0,
      reply: false,
    });
  }

  inspect(method: string, args: Record<string, unknown> = {}, options?: CallOptions): Promise<CallResult> {
    return this.call(method, args, options);
  }

  ping(options?: CallOptions): Promise<CallResult> {
    return this.call('ping', {}, options);
  }

  /** Revoke tasks; with `terminate`, the worker running one kills it with `signal`. */
  revoke(taskIds: string[], opts: { terminate?: boolean; signal?: string } = {}, options?: CallOptions): Promise<CallResult> {
    return this.call('revoke', {
      task_id: taskIds.length === 1 ? taskIds[0] : taskIds,
      terminate: opts.terminate ?? false,
      signal: normaliseSignal(opts.signal ?? 'SIGTERM'),
    }, options);
  }
}
