/**
 * A TCP proxy in front of a private Redis that can wedge just the pub/sub connections: freeze()
 * stops forwarding, both ways, on every connection that has sent a PSUBSCRIBE, and keeps its
 * sockets open (no FIN, no RST), as a half-open link or a stuck middlebox would. Connections that
 * never subscribed (commands, remote control) keep working, and so do the ones opened later.
 */
import * as net from 'node:net';

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  subscribed: boolean;
  frozen: boolean;
}

export interface FreezingProxy {
  port: number;
  url(db: number): string;
  /** Wedge every connection that has subscribed so far; returns how many. */
  freeze(): number;
  /** Connections that have sent a PSUBSCRIBE, ever (frozen and closed ones included). */
  readonly subscribers: number;
  /** PINGs sent on subscribed connections, ever (a busy subscription should send none). */
  readonly subscriberPings: number;
  close(): Promise<void>;
}

const PING = /\*1\r\n\$4\r\nPING\r\n/gi;

export async function freezingProxy(targetPort: number): Promise<FreezingProxy> {
  const links = new Set<Link>();
  let subscribers = 0;
  let subscriberPings = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const link: Link = { client, upstream, subscribed: false, frozen: false };
    links.add(link);
    client.on('data', (chunk) => {
      if (link.frozen) return;
      const text = chunk.toString('latin1');
      if (link.subscribed) subscriberPings += text.match(PING)?.length ?? 0;
      if (!link.subscribed && /PSUBSCRIBE/i.test(text)) {
        link.subscribed = true;
        subscribers++;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!link.frozen) client.write(chunk);
    });
    const drop = (): void => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    // A frozen link sends nothing either way, its end included: the client must find out by itself.
    client.on('close', drop);
    upstream.on('close', () => (link.frozen ? undefined : drop()));
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('end', () => (link.frozen ? undefined : upstream.end()));
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (db) => `redis://127.0.0.1:${port}/${db}`,
    freeze() {
      let count = 0;
      for (const link of links) {
        if (link.subscribed && !link.frozen) {
          link.frozen = true;
          count++;
        }
      }
      return count;
    },
    get subscribers() {
      return subscribers;
    },
    get subscriberPings() {
      return subscriberPings;
    },
    async close() {
      for (const link of links) {
        link.client.destroy();
        link.upstream.destroy();
      }
      links.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
