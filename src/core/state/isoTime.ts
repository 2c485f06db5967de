/**
 * Parse the ISO-8601 times Celery writes into epoch seconds: `eta`/`expires` carry an offset
 * (`2026-11-23T11:26:54.976528+00:00`), the result backend's `date_done` has none and is UTC
 * (`2026-11-23T11:26:43.412333`). Microseconds are kept (Date.parse would read an offset-less
 * time as local time and cannot be trusted with 6 fractional digits everywhere).
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch seconds, or undefined when `text` is not an ISO-8601 time. A missing offset means UTC. */
export function parseIsoSeconds(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  let seconds = ms / 1000 + (frac ? Number(`0${frac}`) : 0);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    seconds -= sign * offsetMinutes * 60;
  }
  return seconds;
}
