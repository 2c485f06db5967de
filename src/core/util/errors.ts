/** An error whose message is safe to show a user: it names what failed and never holds a secret. */
export class CeleryLensError extends Error {
  constructor(message: string, readonly code: string = 'ERROR') {
    super(message);
    this.name = 'CeleryLensError';
  }
}

/** The broker, or a part of it, does not support this operation (e.g. peeking AMQP without a management URL). */
export class UnsupportedError extends CeleryLensError {
  constructor(message: string) {
    super(message, 'UNSUPPORTED');
  }
}

/** A connect or command timeout. */
export class TimeoutError extends CeleryLensError {
  constructor(message: string) {
    super(message, 'TIMEOUT');
  }
}

/** Race a promise against a timer; the message says what timed out. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // Says what it means for a broker call: nothing came back, the usual sign of a hung (SIGSTOPped, wedged) server.
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out: no answer within ${ms} ms (the server is hung, overloaded or unreachable)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
