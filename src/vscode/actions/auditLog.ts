/**
 * The audit log: every write action (and every refusal) as one JSON line in the extension's global
 * storage (`audit.jsonl`) and one line in the log channel. Appends are queued so lines never interleave.
 */
import * as vscode from 'vscode';
import { mkdir, appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { auditJsonLine, auditLogLine, buildAuditRecord, type AuditInput, type AuditRecord } from '../../core/actions/auditRecord';
import type { Logger } from '../../core/util/logger';

export class AuditLog {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    /** The `audit.jsonl` file. */
    readonly uri: vscode.Uri,
    private readonly logger: Logger,
  ) {}

  /** Record an action; resolves once the line is on disk (a write failure is logged, not thrown). */
  record(input: AuditInput): Promise<AuditRecord> {
    const record = buildAuditRecord(input);
    const line = auditLogLine(record);
    if (record.outcome === 'failed') this.logger.warn(line);
    else this.logger.info(line);
    const path = this.uri.fsPath;
    this.queue = this.queue
      .then(async () => {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, auditJsonLine(record), 'utf8');
      })
      .catch((err: unknown) => this.logger.error(`audit log ${path}: ${(err as Error).message}`));
    return this.queue.then(() => record);
  }

  /** Open the file in an editor (an empty log is created first, so there is something to show). */
  async open(): Promise<void> {
    await this.queue;
    await mkdir(dirname(this.uri.fsPath), { recursive: true });
    await appendFile(this.uri.fsPath, '', 'utf8');
    await vscode.window.showTextDocument(this.uri, { preview: false });
  }
}
