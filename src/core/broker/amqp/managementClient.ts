/**
 * A small client for the RabbitMQ management HTTP API (the `rabbitmq_management` plugin): the only
 * place that can list a vhost's queues and look at messages without consuming them.
 * Credentials come from the URL's userinfo and go in a Basic auth header; they never appear in an
 * error message.
 */
import { redactSecretsInText, redactUrl } from '../../url/connectionUrl';
import { CeleryLensError, TimeoutError } from '../../util/errors';

/** One queue as GET /api/queues/<vhost>[/<name>] reports it (only the fields we read). */
export interface ManagementQueue {
  name: string;
  messages_ready?: number;
  consumers?: number;
  backing_queue_status?: { priority_lengths?: Record<string, number> };
}

/** One message as POST /api/queues/<vhost>/<name>/get returns it. */
export interface ManagementMessage {
  payload: string;
  payload_bytes: number;
  payload_encoding: 'string' | 'base64';
  redelivered?: boolean;
  exchange?: string;
  routing_key?: string;
  message_count?: number;
  properties?: Record<string, unknown> | unknown[];
}

/** An HTTP error from the API; `status` 404 means the queue (or vhost) does not exist. */
export class ManagementApiError extends CeleryLensError {
  constructor(message: string, readonly status: number) {
    super(message, status === 404 ? 'NOT_FOUND' : 'MANAGEMENT_API');
    this.name = 'ManagementApiError';
  }
}

export class ManagementClient {
  private readonly base: string;
  private readonly authorization?: string;
  /** The base URL without its password, for messages. */
  readonly redacted: string;

  constructor(managementUrl: string, private readonly timeoutMs: number) {
    this.redacted = redactUrl(managementUrl);
    let parsed: URL;
    try {
      parsed = new URL(managementUrl);
    } catch {
      throw new CeleryLensError(`Not a management API URL: ${this.redacted} (expected e.g. http://guest:guest@localhost:15672)`, 'BAD_URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CeleryLensError(`The management API URL must be http:// or https://, got ${this.redacted}`, 'BAD_URL');
    }
    if (parsed.username || parsed.password) {
      const user = decodeURIComponent(parsed.username);
      const pass = decodeURIComponent(parsed.password);
      this.authorization = 'Basic ' + Buffer.from(`${user}:${pass}`, 'utf8').toString('base64');
      parsed.username = '';
      parsed.password = '';
    }
    // Accept both http://host:15672 and http://host:15672/api (and a path prefix behind a proxy).
    this.base = parsed.toString().replace(/\/+$/, '').replace(/\/api$/, '') + '/api';
  }

  /** GET /api/queues/<vhost>/<name>. Throws {@link ManagementApiError} 404 when missing. */
  getQueue(vhost: string, name: string): Promise<ManagementQueue> {
    return this.request('GET', `/queues/${seg(vhost)}/${seg(name)}`) as Promise<ManagementQueue>;
  }

  /** GET /api/queues/<vhost>, names and counts only. */
  async listQueues(vhost: string): Promise<ManagementQueue[]> {
    const result = await this.request('GET', `/queues/${seg(vhost)}?columns=name,messages_ready,consumers`);
    return Array.isArray(result) ? (result as ManagementQueue[]) : [];
  }

  /**
   * POST /api/queues/<vhost>/<name>/get with `ack_requeue_true`: RabbitMQ delivers up to `count`
   * messages to the API and puts them straight back, in place, flagged redelivered. Payloads longer
   * than `truncate` bytes come back cut (`payload_bytes` keeps the full size).
   */
  async getMessages(vhost: string, name: string, count: number, truncate: number): Promise<ManagementMessage[]> {
    const result = await this.request('POST', `/queues/${seg(vhost)}/${seg(name)}/get`, {
      count, ackmode: 'ack_requeue_true', encoding: 'auto', truncate,
    });
    return Array.isArray(result) ? (result as ManagementMessage[]) : [];
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    // this.base carries no credentials (they were moved to the Authorization header).
    const what = `${method} ${this.base}${path.replace(/\?.*$/, '')}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.authorization) headers.authorization = this.authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new TimeoutError(`RabbitMQ management API ${what} timed out after ${this.timeoutMs} ms`);
      }
      const detail = e.cause?.message ?? e.message;
      throw new CeleryLensError(`RabbitMQ management API ${what} failed: ${redactSecretsInText(detail)}`, 'MANAGEMENT_API');
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      let reason = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { reason?: unknown; error?: unknown };
        reason = String(parsed.reason ?? parsed.error ?? reason);
      } catch {
        // Not JSON (a proxy's HTML page, say): keep the start of the text.
      }
      const hint = response.status === 401 ? ' (check the user name and password in the management URL)' : '';
      throw new ManagementApiError(
        `RabbitMQ management API ${what} answered ${response.status} ${response.statusText}: ${redactSecretsInText(reason)}${hint}`,
        response.status,
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CeleryLensError(`RabbitMQ management API ${what} returned something that is not JSON`, 'MANAGEMENT_API');
    }
  }
}

/** One path segment: vhost "/" must travel as %2F. */
function seg(part: string): string {
  return encodeURIComponent(part);
}
