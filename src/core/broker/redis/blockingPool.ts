/**
 * A few connections reserved for blocking commands (BRPOP holds its connection for the whole
 * wait). Parallel broadcasts each borrow one, so a UI refreshing eight inspect methods at once does
 * not wait 8 × timeout. Idle connections are kept for reuse; close() quits them all.
 */
import type { Redis } from 'ioredis';
import { CeleryLensError } from '../../util/errors';
import { closeRedis } from './redisClient';

export class BlockingPool {
  private readonly idle: Redis[] = [];
  private readonly all = new Set<Redis>();
  private readonly waiters: Array<(client: Redis | Error) => void> = [];
  private opening = 0;
  private closed = false;

  constructor(
    private readonly open: () => Promise<Redis>,
    private readonly max = 8,
  ) {}

  /** Borrow a connection for `use`, giving it back afterwards (or dropping it when it broke). */
  async with<T>(use: (client: Redis) => Promise<T>): Promise<T> {
    const client = await this.acquire();
    let healthy = true;
    try {
      return await use(client);
    } catch (err) {
      healthy = false;
      throw err;
    } finally {
      this.release(client, healthy);
    }
  }

  /** Connections currently open (idle or lent). */
  get size(): number {
    return this.all.size;
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(new CeleryLensError('The broker connection was closed', 'CLOSED'));
    const clients = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    // A BRPOP in flight would hold a polite QUIT back until it times out: drop the sockets.
    for (const client of clients) client.disconnect();
  }

  private async acquire(): Promise<Redis> {
    if (this.closed) throw new CeleryLensError('The broker connection was closed', 'CLOSED');
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.all.size + this.opening < this.max) {
      this.opening++;
      try {
        const client = await this.open();
        if (this.closed) {
          await closeRedis(client);
          throw new CeleryLensError('The broker connection was closed', 'CLOSED');
        }
        this.all.add(client);
        return client;
      } finally {
        this.opening--;
      }
    }
    return new Promise<Redis>((resolve, reject) => {
      this.waiters.push((client) => (client instanceof Error ? reject(client) : resolve(client)));
    });
  }

  private release(client: Redis, healthy: boolean): void {
    if (!healthy || client.status !== 'ready' || this.closed) {
      this.all.delete(client);
      void closeRedis(client);
      // A waiter can now open a fresh connection in place of the dropped one.
      const waiter = this.waiters.shift();
      if (waiter) this.acquire().then(waiter, waiter);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(client);
    else this.idle.push(client);
  }
}
