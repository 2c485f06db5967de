/**
 * One line of the audit log: who changed what on which cluster, and how it ended. Built here (pure)
 * so the extension and the CLI write the same shape; every string is redacted on the way in, so a
 * password typed into an argument or carried by an error message never reaches the file.
 */
import { redactSecretsInText, redactUrl } from '../url/connectionUrl';

/** How an action ended. `refused`: read-only connection; `cancelled`: the user said no. */
export type AuditOutcome = 'done' | 'failed' | 'refused' | 'cancelled';

/** A JSON-lines record of the audit file. */
export interface AuditRecord {
  /** ISO-8601 UTC. */
  time: string;
  connection: { name: string; broker: string };
  /** Action id, e.g. `task.revoke`, `queue.purge`. */
  action: string;
  /** What it acted on: a task id, worker node name, queue name, task name. */
  target: string;
  parameters: Record<string, unknown>;
  outcome: AuditOutcome;
  /** Why it failed or was refused; what it did (e.g. `removed 12 messages`). */
  detail?: string;
}

/** Input of {@link buildAuditRecord}: the connection's URL may hold a password (it is redacted). */
export interface AuditInput {
  now?: Date;
  connectionName: string;
  brokerUrl: string;
  action: string;
  target: string;
  parameters?: Record<string, unknown>;
  outcome: AuditOutcome;
  detail?: string;
}

function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecretsInText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = /pass(word)?|secret|token/i.test(k) ? '***' : redactDeep(v, depth + 1);
  return out;
}

export function buildAuditRecord(input: AuditInput): AuditRecord {
  const record: AuditRecord = {
    time: (input.now ?? new Date()).toISOString(),
    connection: { name: input.connectionName, broker: redactUrl(input.brokerUrl) },
    action: input.action,
    target: redactSecretsInText(input.target),
    parameters: redactDeep(input.parameters ?? {}) as Record<string, unknown>,
    outcome: input.outcome,
  };
  if (input.detail !== undefined) record.detail = redactSecretsInText(input.detail);
  return record;
}

/** The record as one line of the `.jsonl` file (with its newline). */
export function auditJsonLine(record: AuditRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/** The record as one human line for the log channel. */
export function auditLogLine(record: AuditRecord): string {
  const params = Object.keys(record.parameters).length ? ` ${JSON.stringify(record.parameters)}` : '';
  const detail = record.detail ? ` (${record.detail})` : '';
  return `audit: ${record.connection.name} [${record.connection.broker}] ${record.action} ${record.target}${params} → ${record.outcome}${detail}`;
}
