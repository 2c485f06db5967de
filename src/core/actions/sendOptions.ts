/**
 * The optional part of "Send a task", typed as `queue=priority countdown=10 expires=60 priority=5`
 * in one input box: parsed and validated here.
 */
import type { Parsed } from './jsonArguments';

/** What may follow the arguments when sending a task. */
export interface SendExtras {
  queue?: string;
  /** Seconds from now. */
  countdown?: number;
  /** Seconds from now. */
  expires?: number;
  priority?: number;
}

const KEYS = ['queue', 'countdown', 'expires', 'priority'] as const;

export function parseSendExtras(text: string): Parsed<SendExtras> {
  const extras: SendExtras = {};
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    const key = token.slice(0, Math.max(0, eq)) as (typeof KEYS)[number];
    const value = token.slice(eq + 1);
    if (eq <= 0 || !KEYS.includes(key)) return { ok: false, error: `"${token}": use ${KEYS.map((k) => `${k}=…`).join(' ')}` };
    if (!value) return { ok: false, error: `${key} needs a value` };
    if (key === 'queue') {
      extras.queue = value;
      continue;
    }
    const n = Number(value);
    if (key === 'priority') {
      if (!Number.isInteger(n) || n < 0 || n > 255) return { ok: false, error: 'priority must be a whole number from 0 to 255' };
      extras.priority = n;
    } else {
      if (!Number.isFinite(n) || n < 0) return { ok: false, error: `${key} must be a number of seconds` };
      extras[key] = n;
    }
  }
  return { ok: true, value: extras };
}

/** The extras back as text (to prefill the box with the last values). */
export function formatSendExtras(extras: SendExtras): string {
  return KEYS.filter((k) => extras[k] !== undefined).map((k) => `${k}=${String(extras[k])}`).join(' ');
}
