/**
 * A bounded intern table, so the thousands of tasks that carry the same string (a task name, a
 * hostname, an identical args repr, the same traceback) keep one copy of it instead of one per
 * task. Strings from the wire are fresh copies per event (V8's JSON.parse shares only strings of
 * at most 10 characters), so without this 100k failed tasks would hold 100k copies of one traceback.
 *
 * Two generations keep it bounded with O(1) work per call: new strings go to the young table;
 * when it is full (entries or characters) it becomes the old table and the previous old one is
 * dropped. A string found in the old table is promoted, so strings in steady use survive.
 */

/** Strings this short are already shared by V8 (JSON.parse internalizes them). */
const SHARED_BY_V8_MAX_LENGTH = 10;

export interface StringPoolOptions {
  /** Most strings per generation (default 16 384). */
  maxEntries?: number;
  /** Most characters per generation (default 4 Mi: the pool pins at most ~2x that). */
  maxChars?: number;
  /** Longer strings are kept as they are, not pooled (default 64 Ki). */
  maxLength?: number;
}

/**
 * Values (reprs, results) shorter than this are not pooled: most are unique, and a pool entry
 * costs about as much as such a string.
 */
export const MIN_POOLED_VALUE_LENGTH = 32;

/** Entries of the direct-mapped cache in front of the tables (a power of two), and its longest string. */
const RECENT_SLOTS = 256;
const RECENT_MAX_LENGTH = 256;

export class StringPool {
  /**
   * Recently returned strings, by a cheap hash of length and three characters: a hit costs one
   * string compare instead of hashing the whole (fresh, never hashed) string for a table lookup.
   */
  private readonly recent: string[] = new Array<string>(RECENT_SLOTS).fill('');
  private young = new Map<string, string>();
  private old = new Map<string, string>();
  private youngChars = 0;
  private readonly maxEntries: number;
  private readonly maxChars: number;
  private readonly maxLength: number;

  constructor(options: StringPoolOptions = {}) {
    this.maxEntries = options.maxEntries ?? 16_384;
    this.maxChars = options.maxChars ?? 4 * 1024 * 1024;
    this.maxLength = options.maxLength ?? 64 * 1024;
  }

  /** The pooled copy of `text` (equal to it); `text` itself when it is new or not pooled. */
  intern(text: string): string {
    const length = text.length;
    if (length <= SHARED_BY_V8_MAX_LENGTH || length > this.maxLength) return text;
    if (length > RECENT_MAX_LENGTH) return this.lookup(text, length);
    const slot = (length * 7 + text.charCodeAt(0) * 31 + text.charCodeAt(length >> 1) * 17 + text.charCodeAt(length - 1)) & (RECENT_SLOTS - 1);
    const recent = this.recent[slot];
    if (recent === text) return recent;
    const kept = this.lookup(text, length);
    this.recent[slot] = kept;
    return kept;
  }

  private lookup(text: string, length: number): string {
    const young = this.young.get(text);
    if (young !== undefined) return young;
    const old = this.old.get(text);
    const kept = old ?? text;
    this.young.set(kept, kept);
    this.youngChars += length;
    if (this.young.size >= this.maxEntries || this.youngChars >= this.maxChars) this.rotate();
    return kept;
  }

  /**
   * `intern` for values (args and kwargs reprs, results, exceptions, tracebacks): only strings of
   * {@link MIN_POOLED_VALUE_LENGTH} characters or more are pooled; anything else is returned as is.
   */
  internValue<T>(value: T): T {
    return typeof value === 'string' && value.length >= MIN_POOLED_VALUE_LENGTH ? (this.intern(value) as T) : value;
  }

  /** Strings held now (both generations). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
    this.youngChars = 0;
    this.recent.fill('');
  }

  private rotate(): void {
    this.old = this.young;
    this.young = new Map();
    this.youngChars = 0;
  }
}
