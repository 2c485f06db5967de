/**
 * What the AMQP building blocks (publisher, pidbox, events, queues) need from the broker: a way to
 * open channels that can never crash the process, and the context for error messages.
 */
import type { Channel, ConfirmChannel } from 'amqplib';
import type { AmqpConnectionUrl } from '../../url/connectionUrl';
import type { Logger } from '../../util/logger';
import type { Disposable } from '../../util/disposable';

export interface AmqpSession {
  readonly url: AmqpConnectionUrl;
  readonly logger: Logger;
  /** Per-command timeout, ms. */
  readonly commandTimeoutMs: number;
  /**
   * Open a channel (connecting first if needed). It already has 'error' and 'close' handlers, so a
   * server-side channel close (404, 406, ...) only rejects the pending call. Close it when done.
   */
  openChannel(): Promise<Channel>;
  openConfirmChannel(): Promise<ConfirmChannel>;
  /** Called when the connection is lost (not when closed by us); the disposable unsubscribes. */
  onConnectionLost(listener: (reason: string) => void): Disposable;
}

/** Close a channel, ignoring "already closed" and the like: cleanup must never throw. */
export async function closeQuietly(channel: Channel | undefined): Promise<void> {
  if (!channel) return;
  try {
    await channel.close();
  } catch {
    // Already closed by the server or with the connection: nothing left to free.
  }
}

/**
 * Run `work` on a throwaway channel, closed afterwards whatever happens. Used for passive declares
 * and other calls whose failure makes the server close the channel.
 */
export async function withChannel<T>(session: AmqpSession, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await session.openChannel();
  try {
    return await work(channel);
  } finally {
    await closeQuietly(channel);
  }
}
