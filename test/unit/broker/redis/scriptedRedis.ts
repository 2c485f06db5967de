/**
 * A scripted stand-in for redis-server on a real local socket, for the subscriber's edge cases a
 * real server will not produce on demand: refused AUTH or PSUBSCRIBE, frames cut anywhere, garbage,
 * a dropped connection. It reads RESP commands and answers as Redis does in RESP2, unless `answer`
 * says otherwise.
 */
import * as net from 'node:net';

/** What to send back for a command; undefined: Redis's usual answer. */
export type Answer = (args: string[], socket: net.Socket) => string | Buffer | undefined | 'silence';

export function bulk(text: string | Buffer): string {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  return `$${bytes.length}\r\n${bytes.toString('latin1')}\r\n`;
}

export function pmessageFrame(pattern: string, channel: string, payload: string | Buffer): Buffer {
  return Buffer.from(`*4\r\n$8\r\npmessage\r\n${bulk(pattern)}${bulk(channel)}${bulk(payload)}`, 'latin1');
}

function usualAnswer(args: string[]): string {
  switch (args[0].toUpperCase()) {
    case 'PSUBSCRIBE':
      return `*3\r\n$10\r\npsubscribe\r\n${bulk(args[1])}:1\r\n`;
    case 'PING':
      return '*2\r\n$4\r\npong\r\n$0\r\n\r\n';
    default:
      return '+OK\r\n';
  }
}

/** The RESP arrays of bulk strings in `text` (what clients send), and what is left over. */
function parseCommands(text: string): { commands: string[][]; rest: string } {
  const commands: string[][] = [];
  let at = 0;
  outer: for (;;) {
    if (text[at] !== '*') break;
    const head = text.indexOf('\r\n', at);
    if (head < 0) break;
    const count = Number(text.slice(at + 1, head));
    let p = head + 2;
    const args: string[] = [];
    for (let i = 0; i < count; i++) {
      const lengthEnd = text.indexOf('\r\n', p);
      if (lengthEnd < 0) break outer;
      const length = Number(text.slice(p + 1, lengthEnd));
      if (text.length < lengthEnd + 2 + length + 2) break outer;
      args.push(text.slice(lengthEnd + 2, lengthEnd + 2 + length));
      p = lengthEnd + 2 + length + 2;
    }
    commands.push(args);
    at = p;
  }
  return { commands, rest: text.slice(at) };
}

export class ScriptedRedis {
  /** Every command received, in order, over all connections. */
  readonly commands: string[][] = [];
  readonly sockets = new Set<net.Socket>();
  /** Sockets that sent PSUBSCRIBE and are still open. */
  readonly subscribed = new Set<net.Socket>();
  answer: Answer = () => undefined;
  connections = 0;
  private readonly server = net.createServer((socket) => this.accept(socket));

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves once `count` sockets are subscribed. */
  async subscribers(count: number, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.subscribed.size < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.subscribed.size} of ${count} subscribers`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Send raw bytes to every subscribed socket. */
  send(bytes: Buffer | string): void {
    for (const socket of this.subscribed) socket.write(bytes);
  }

  /** Drop every connection as a crashing server would (RST). */
  dropAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.subscribed.delete(socket);
    });
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk) => {
      const parsed = parseCommands(pending + chunk.toString('latin1'));
      pending = parsed.rest;
      for (const args of parsed.commands) {
        this.commands.push(args);
        const answer = this.answer(args, socket) ?? usualAnswer(args);
        if (answer === 'silence') continue;
        socket.write(typeof answer === 'string' ? Buffer.from(answer, 'latin1') : answer);
        const name = args[0].toUpperCase();
        if (name === 'PSUBSCRIBE') this.subscribed.add(socket);
        if (name === 'QUIT') socket.end();
      }
    });
  }
}
