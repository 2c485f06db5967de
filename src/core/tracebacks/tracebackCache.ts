/**
 * Parses each distinct traceback once, and works out once what grouping asks of it. Celery's
 * tracebacks repeat (the same failure over and over, and the state pools identical strings), so a
 * small map in insertion order is enough. Grouping runs at the views' pace over up to thousands of
 * failures: asking each one's fingerprint and frames anew took 40-60 ms for 5,000 failures, a stall
 * of the extension host.
 */
import { parseTraceback } from './parseTraceback';
import { deepestUserFrame, finalException, fingerprint } from './tracebackQueries';
import type { ParsedTraceback, TracebackException, TracebackFrame } from './tracebackTypes';

/** Fingerprints kept per traceback, by fallback type and task name (bounded: both come off the wire). */
const MAX_PRINTS_PER_TRACEBACK = 64;

/** One distinct traceback and what grouping asks of it. */
export interface TracebackFacts {
  parsed: ParsedTraceback;
  final: TracebackException | undefined;
  /** The deepest frame in the user's code. */
  frame: TracebackFrame | undefined;
  /** The fingerprint when the fallbacks do not count (the traceback has a type and frames), else undefined. */
  print: string | undefined;
  /** Otherwise, fingerprints by `${fallbackType}\0${fallbackName}` (see fingerprintOf). */
  readonly prints: Map<string, string>;
}

export class TracebackCache {
  private readonly entries = new Map<string, TracebackFacts>();

  constructor(private readonly capacity = 500) {}

  facts(text: string): TracebackFacts {
    const hit = this.entries.get(text);
    if (hit) return hit;
    const parsed = parseTraceback(text);
    // The fallbacks count only when the traceback lacks a type or frames: asking with two different ones tells.
    const plain = fingerprint(parsed);
    const print = fingerprint(parsed, '\0type', '\0name') === plain ? plain : undefined;
    const facts: TracebackFacts = { parsed, final: finalException(parsed), frame: deepestUserFrame(parsed), print, prints: new Map() };
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(text, facts);
    return facts;
  }
}

/** fingerprint() of a cached traceback, worked out once per fallback type and task name. */
export function fingerprintOf(facts: TracebackFacts, fallbackType: string | undefined, fallbackName: string | undefined): string {
  if (facts.print !== undefined) return facts.print;
  const key = `${fallbackType ?? ''}\0${fallbackName ?? ''}`;
  let print = facts.prints.get(key);
  if (print === undefined) {
    print = fingerprint(facts.parsed, fallbackType, fallbackName);
    if (facts.prints.size < MAX_PRINTS_PER_TRACEBACK) facts.prints.set(key, print);
  }
  return print;
}
