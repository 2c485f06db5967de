/**
 * How every write action runs: refused on a read-only connection (with a message and an audit
 * line), confirmed in a modal when destructive (unless `celeryLens.confirm.<kind>` is false), run
 * against the connected monitor, audited with its outcome, and one notification only on failure.
 */
import * as vscode from 'vscode';
import type { AuditOutcome } from '../../core/actions/auditRecord';
import type { ConfirmationText, ConfirmKind } from '../../core/actions/confirmations';
import type { ClusterMonitor } from '../../core/monitor/clusterMonitor';
import { redactSecretsInText } from '../../core/url/connectionUrl';
import type { CommandContext } from '../commands/commandContext';
import { CommandId } from '../commands/commandIds';
import { CONFIG_SECTION } from '../config';
import type { ConnectionProfile } from '../connections/connectionProfile';

/** What an action command returns (tests read it; menus ignore it). */
export interface ActionResult<T = unknown> {
  outcome: AuditOutcome;
  detail?: string;
  value?: T;
}

export interface ActionSpec<T> {
  connectionId: string;
  /** Audit action id, e.g. `task.revoke`. */
  action: string;
  /** Human words for messages, e.g. `Revoke`. */
  title: string;
  target: string;
  parameters?: Record<string, unknown>;
  confirm?: { kind: ConfirmKind; text: ConfirmationText };
  run(monitor: ClusterMonitor): Promise<{ detail?: string; value?: T }>;
}

/** How long an action waits for its connection to come up. */
const CONNECT_TIMEOUT_MS = 15_000;

/** The profile, or an error naming the id. */
export function profileOf(ctx: CommandContext, connectionId: string): ConnectionProfile {
  const profile = ctx.store.get(connectionId) ?? ctx.manager.profile(connectionId);
  if (!profile) throw new Error(`no connection "${connectionId}"`);
  return profile;
}

async function audit(ctx: CommandContext, profile: ConnectionProfile, spec: Pick<ActionSpec<unknown>, 'action' | 'target' | 'parameters'>, outcome: AuditOutcome, detail?: string): Promise<void> {
  await ctx.audit.record({ connectionName: profile.name, brokerUrl: profile.brokerUrl, action: spec.action, target: spec.target, parameters: spec.parameters, outcome, detail });
}

/**
 * Refuse a write action on a read-only connection: true when refused (audited, and the user is told
 * how to unlock). Call it before asking anything, so nobody fills a form for nothing.
 */
export async function refuseIfReadOnly(ctx: CommandContext, connectionId: string, spec: Pick<ActionSpec<unknown>, 'action' | 'title' | 'target' | 'parameters'>): Promise<boolean> {
  const profile = profileOf(ctx, connectionId);
  if (!profile.readOnly) return false;
  const detail = `"${profile.name}" is read-only`;
  await audit(ctx, profile, spec, 'refused', detail);
  void vscode.window.showWarningMessage(`${spec.title} was not done: ${detail}. Unlock it first ("Celery: Unlock (allow actions)").`, 'Unlock')
    .then((choice) => (choice ? vscode.commands.executeCommand(CommandId.UnlockConnection, { connectionId }) : undefined));
  return true;
}

/** Ask before a destructive action; the setting `celeryLens.confirm.<kind>: false` skips the prompt. */
export async function confirmed(kind: ConfirmKind, text: ConfirmationText): Promise<boolean> {
  if (vscode.workspace.getConfiguration(CONFIG_SECTION).get<boolean>(`confirm.${kind}`, true) === false) return true;
  const answer = await vscode.window.showWarningMessage(text.message, { modal: true, detail: text.detail }, text.button);
  return answer === text.button;
}

/** The monitor of a connection, connected (waits for it, up to 15 s). */
export async function connectedMonitor(ctx: CommandContext, connectionId: string): Promise<ClusterMonitor> {
  const monitor = await ctx.manager.connect(connectionId);
  if (!monitor) {
    const status = ctx.manager.status(connectionId);
    throw new Error(`cannot connect: ${status.kind === 'error' ? status.reason : 'unknown connection'}`);
  }
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  while (monitor.status.kind !== 'connected' || !monitor.broker || !monitor.control) {
    if (Date.now() > deadline) throw new Error(`not connected (${monitor.status.kind})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return monitor;
}

/** Replies to wait for from a broadcast to every worker: the online ones (collection stops early). */
export function onlineCount(monitor: ClusterMonitor): number | undefined {
  const n = [...monitor.state.workers.keys()].filter((w) => monitor.isWorkerOnline(w)).length;
  return n || undefined;
}

/** Run a write action (see the module comment). Never throws: failures are audited and shown once. */
export async function runAction<T>(ctx: CommandContext, spec: ActionSpec<T>): Promise<ActionResult<T>> {
  const profile = profileOf(ctx, spec.connectionId);
  if (await refuseIfReadOnly(ctx, spec.connectionId, spec)) return { outcome: 'refused', detail: `"${profile.name}" is read-only` };
  if (spec.confirm && !(await confirmed(spec.confirm.kind, spec.confirm.text))) {
    await audit(ctx, profile, spec, 'cancelled');
    return { outcome: 'cancelled' };
  }
  try {
    // Progress shows where the user looks (the status bar); success needs no notification.
    const { monitor, detail, value } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Celery: ${spec.title} ${spec.target}` },
      async () => {
        const m = await connectedMonitor(ctx, spec.connectionId);
        return { monitor: m, ...(await spec.run(m)) };
      },
    );
    await audit(ctx, profile, spec, 'done', detail);
    void monitor.refresh();
    if (detail) vscode.window.setStatusBarMessage(`Celery: ${spec.title} ${spec.target}: ${detail}`, 5000);
    return { outcome: 'done', detail, value };
  } catch (err) {
    const message = redactSecretsInText((err as Error)?.message ?? String(err));
    await audit(ctx, profile, spec, 'failed', message);
    void vscode.window.showErrorMessage(`Celery Lens: ${spec.title} ${spec.target} failed: ${message}`, 'Show Log')
      .then((choice) => (choice ? ctx.log.show(true) : undefined));
    return { outcome: 'failed', detail: message };
  }
}
