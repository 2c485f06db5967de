/** A task as the `celery call` command line that sends the same thing from a shell. */

/** What the command line carries (`celery call` has no priority option, so none is given). */
export interface CallLineInput {
  name: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  /** The `-A` app; omitted when unknown (then celery finds the app from its own configuration). */
  app?: string;
  queue?: string;
  exchange?: string;
  routingKey?: string;
  countdown?: number;
  eta?: string;
  expires?: string | number;
}

/** POSIX shell quoting: bare when safe, otherwise single quotes with `'` written as `'\''`. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function celeryCallLine(input: CallLineInput): string {
  const parts = ['celery'];
  if (input.app) parts.push('-A', shellQuote(input.app));
  parts.push('call', shellQuote(input.name));
  if (input.args?.length) parts.push(`--args=${shellQuote(JSON.stringify(input.args))}`);
  if (input.kwargs && Object.keys(input.kwargs).length) parts.push(`--kwargs=${shellQuote(JSON.stringify(input.kwargs))}`);
  if (input.queue) parts.push(`--queue=${shellQuote(input.queue)}`);
  if (input.exchange) parts.push(`--exchange=${shellQuote(input.exchange)}`);
  if (input.routingKey && input.routingKey !== input.queue) parts.push(`--routing-key=${shellQuote(input.routingKey)}`);
  if (input.countdown) parts.push(`--countdown=${input.countdown}`);
  if (input.eta) parts.push(`--eta=${shellQuote(input.eta)}`);
  if (input.expires !== undefined && input.expires !== '') parts.push(`--expires=${shellQuote(String(input.expires))}`);
  return parts.join(' ');
}
