/**
 * A minimal Debug Adapter Protocol client over stdio, written for the tests: it talks to
 * `python -m debugpy.adapter` the way VS Code does (Content-Length framed JSON), so a test can
 * launch a program, set breakpoints and read a stopped frame's variables without any editor.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface DapMessage {
  seq: number;
  type: 'request' | 'response' | 'event';
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  body?: Record<string, unknown>;
  arguments?: Record<string, unknown>;
}

export class DapClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private seq = 1;
  private readonly pending = new Map<number, (message: DapMessage) => void>();
  /** Every event received, in order (tests look back through them). */
  readonly events: DapMessage[] = [];
  private readonly waiters: Array<{ match: (m: DapMessage) => boolean; resolve: (m: DapMessage) => void; timer: NodeJS.Timeout }> = [];
  stderr = '';

  constructor(python: string, env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(python, ['-m', 'debugpy.adapter'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (true) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as DapMessage;
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }

  private dispatch(message: DapMessage): void {
    if (message.type === 'response' && message.request_seq !== undefined) {
      this.pending.get(message.request_seq)?.(message);
      this.pending.delete(message.request_seq);
      return;
    }
    if (message.type === 'event') this.events.push(message);
    if (message.type === 'request') {
      // Reverse requests (runInTerminal, startDebugging) are not used with console=internalConsole.
      this.send({ seq: this.seq++, type: 'response', request_seq: message.seq, command: message.command, success: false, message: 'not supported by the test client' });
      return;
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  private send(message: DapMessage): void {
    const json = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${json.length}\r\n\r\n`);
    this.child.stdin.write(json);
  }

  /** Send a request; resolves with the response (rejects when it fails or takes too long). */
  request(command: string, args: Record<string, unknown> = {}, timeoutMs = 20_000): Promise<DapMessage> {
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command}: no response within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      this.pending.set(seq, (response) => {
        clearTimeout(timer);
        if (response.success) resolve(response);
        else reject(new Error(`${command} failed: ${response.message ?? JSON.stringify(response.body)}`));
      });
      this.send({ seq, type: 'request', command, arguments: args });
    });
  }

  /** The first event named `name` (matching `where`) received from now on, or already received. */
  event(name: string, where: (m: DapMessage) => boolean = () => true, timeoutMs = 30_000, seen = true): Promise<DapMessage> {
    const match = (m: DapMessage) => m.event === name && where(m);
    const earlier = seen ? this.events.find(match) : undefined;
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${name}" event within ${timeoutMs} ms; events: ${this.events.map((e) => e.event).join(', ')}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ match, timer, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  /** Output events' text so far (the debuggee's stdout and stderr). */
  output(): string {
    return this.events.filter((e) => e.event === 'output').map((e) => String(e.body?.output ?? '')).join('');
  }

  close(): void {
    for (const waiter of this.waiters.splice(0)) clearTimeout(waiter.timer);
    this.child.stdin.end();
    if (this.child.exitCode === null) this.child.kill();
  }
}
