/**
 * Parses each distinct traceback once. Celery's tracebacks repeat (the same failure over and
 * over, and the state pools identical strings), so a small map in insertion order is enough.
 */
import { parseTraceback } from './parseTraceback';
import type { ParsedTraceback } from './tracebackTypes';

export class TracebackCache {
  private readonly entries = new Map<string, ParsedTraceback>();

  constructor(private readonly capacity = 500) {}

  parse(text: string): ParsedTraceback {
    const hit = this.entries.get(text);
    if (hit) return hit;
    const parsed = parseTraceback(text);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(text, parsed);
    return parsed;
  }
}
