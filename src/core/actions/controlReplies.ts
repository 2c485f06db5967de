/**
 * What the workers said to a remote-control command: Celery replies `{"ok": ...}` or
 * `{"error": ...}` per worker; a worker that was asked and did not answer is missing.
 */

export interface ReplySummary {
  ok: string[];
  errors: Array<{ worker: string; error: string }>;
  /** Asked by name, never answered. */
  missing: string[];
}

export function summarizeReplies(byWorker: Record<string, unknown>, asked?: string[]): ReplySummary {
  const summary: ReplySummary = { ok: [], errors: [], missing: [] };
  for (const [worker, reply] of Object.entries(byWorker)) {
    const error = typeof reply === 'object' && reply !== null ? (reply as { error?: unknown }).error : undefined;
    if (error !== undefined) summary.errors.push({ worker, error: typeof error === 'string' ? error : JSON.stringify(error) });
    else summary.ok.push(worker);
  }
  for (const worker of asked ?? []) if (!(worker in byWorker)) summary.missing.push(worker);
  // Replies arrive in any order: sorted, the same answers read the same.
  summary.ok.sort();
  summary.errors.sort((a, b) => a.worker.localeCompare(b.worker));
  return summary;
}

/** One line for the audit log and messages; `failed` when nobody did it or someone refused. */
export function describeReplies(summary: ReplySummary): { failed: boolean; text: string } {
  const parts: string[] = [];
  if (summary.ok.length) parts.push(`ok from ${summary.ok.join(', ')}`);
  for (const e of summary.errors) parts.push(`${e.worker}: ${e.error}`);
  if (summary.missing.length) parts.push(`no reply from ${summary.missing.join(', ')}`);
  if (!parts.length) parts.push('no worker replied');
  return { failed: summary.ok.length === 0 || summary.errors.length > 0, text: parts.join('; ') };
}
