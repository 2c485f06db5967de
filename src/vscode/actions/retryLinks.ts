/**
 * Which task a retry retries, so the tree can link the two ("retry of …" / "retried as …"). Workers
 * do not echo our `lens_retry_of` header in events, so the link is remembered where the retry is
 * sent, for the session.
 */
import { shortId } from '../../core/presentation/format';

class RetryLinks {
  private readonly retryOfById = new Map<string, string>();
  private readonly retriesById = new Map<string, string[]>();

  private key(connectionId: string, taskId: string): string {
    return `${connectionId}\n${taskId}`;
  }

  link(connectionId: string, newId: string, originalId: string): void {
    this.retryOfById.set(this.key(connectionId, newId), originalId);
    const k = this.key(connectionId, originalId);
    this.retriesById.set(k, [...(this.retriesById.get(k) ?? []), newId]);
  }

  retryOf(connectionId: string, taskId: string): string | undefined {
    return this.retryOfById.get(this.key(connectionId, taskId));
  }

  retriedAs(connectionId: string, taskId: string): string[] {
    return this.retriesById.get(this.key(connectionId, taskId)) ?? [];
  }

  /** `retry of 1a2b3c4d` / `retried as 5e6f7a8b`, or undefined when the task has no link. */
  describe(connectionId: string, taskId: string): string | undefined {
    const of = this.retryOf(connectionId, taskId);
    if (of) return `retry of ${shortId(of)}`;
    const as = this.retriedAs(connectionId, taskId);
    return as.length ? `retried as ${as.map(shortId).join(', ')}` : undefined;
  }
}

export const retryLinks = new RetryLinks();
