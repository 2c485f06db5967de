/**
 * Task history entries are stored as two numbers (timestamp, code) inside a task's number array
 * instead of one object each (a 4-event history costs 64 bytes instead of ~230). The code packs
 * the event type and the sender's hostname as small integers from one process-wide table: both
 * are few (event types, worker and client node names), and a process-wide table lets a record
 * decode its history without a reference to the state that owns it.
 *
 * The table only grows with distinct hostnames and event types seen, like the state's worker map.
 */

const TYPE_BITS = 2 ** 20;

class SymbolTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  constructor(private readonly limit: number) {}

  /** The id of `text`; beyond the limit, the id of '' (never expected: it would take a million names). */
  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      if (this.names.length >= this.limit) return this.id('');
      id = this.names.length;
      this.names.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

const types = new SymbolTable(TYPE_BITS - 1);
const hosts = new SymbolTable(2 ** 32);

/** The part of a history code naming the event type. */
export function typeCode(type: string): number {
  return types.id(type);
}

// Events come in batches from one sender: remember the last hostname's id.
let lastHost = '';
let lastHostPart = hosts.id('') * TYPE_BITS;

/** Pack an event type (or its {@link typeCode}) and a hostname into one exact double. */
export function historyCode(type: string | number, hostname: string): number {
  if (hostname !== lastHost) {
    lastHostPart = hosts.id(hostname) * TYPE_BITS;
    lastHost = hostname;
  }
  return lastHostPart + (typeof type === 'number' ? type : types.id(type));
}

/** The event type packed in `code`. */
export function historyType(code: number): string {
  return types.names[code % TYPE_BITS] ?? '';
}

/** The hostname packed in `code`. */
export function historyHostname(code: number): string {
  return hosts.names[Math.floor(code / TYPE_BITS)] ?? '';
}
