import { Disposable, toDisposable } from './disposable';

/** A listener-safe event emitter: one throwing listener never stops the others. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(value: T) => void>();

  /** Subscribe; the returned disposable unsubscribes. */
  readonly event = (listener: (value: T) => void): Disposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // A faulty subscriber must not break delivery to the rest.
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
