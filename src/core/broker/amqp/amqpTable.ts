/**
 * Header tables that Celery's workers can read. amqplib encodes a JS integer in the smallest
 * field type that holds it, and for 128..32767 that is 's' (a signed 16-bit integer in RabbitMQ's
 * errata). py-amqp (Celery's AMQP client) reads 's' as a *short string*: it mis-parses the rest of
 * the table and the worker dies with "Unrecoverable error: UnicodeDecodeError" (seen with a
 * pidbox request whose `clock` header had passed 127, which killed every worker at once). py-amqp
 * itself writes Python ints as 'I' (32-bit) or 'l' (64-bit), so we tag every integer the same way.
 */

/** amqplib's explicit-type notation. */
type Typed = { '!': 'int' | 'long'; value: number };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !Object.hasOwn(value, '!');
}

function fieldValue(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) {
    const typed: Typed = { '!': value >= -0x80000000 && value < 0x80000000 ? 'int' : 'long', value };
    return typed;
  }
  if (Array.isArray(value)) return value.map(fieldValue);
  if (isPlainObject(value)) return kombuCompatibleTable(value);
  return value;
}

/** A copy of `table` with every integer (at any depth) typed as py-amqp writes it. */
export function kombuCompatibleTable(table: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) out[key] = fieldValue(value);
  return out;
}
