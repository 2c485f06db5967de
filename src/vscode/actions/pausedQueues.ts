/**
 * Queues whose consumers Celery Lens cancelled ("pause"), with the workers that consumed them, so
 * "resume" gives each queue back to exactly those workers and the Queues view can mark it. Kept for
 * the session only: a worker restarted since consumes its configured queues again anyway.
 */
class PausedQueues {
  private readonly paused = new Map<string, string[]>();
  private readonly listeners = new Set<() => void>();

  private key(connectionId: string, queue: string): string {
    return `${connectionId}\n${queue}`;
  }

  isPaused(connectionId: string, queue: string): boolean {
    return this.paused.has(this.key(connectionId, queue));
  }

  /** The workers that consumed the queue before the pause. */
  workers(connectionId: string, queue: string): string[] | undefined {
    return this.paused.get(this.key(connectionId, queue));
  }

  set(connectionId: string, queue: string, workers: string[] | undefined): void {
    if (workers) this.paused.set(this.key(connectionId, queue), workers);
    else this.paused.delete(this.key(connectionId, queue));
    this.listeners.forEach((l) => l());
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** The one registry (per extension host). */
export const pausedQueues = new PausedQueues();
