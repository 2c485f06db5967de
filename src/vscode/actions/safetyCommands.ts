/** Lock and unlock a connection for write actions (both audited), and open the audit log. */
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/commandContext';
import { pickConnection } from '../commands/pickConnection';

async function setMode(ctx: CommandContext, arg: unknown, readOnly: boolean): Promise<boolean | undefined> {
  const profile = await pickConnection(ctx.manager, arg, (p) => p.readOnly !== readOnly);
  if (!profile) return undefined;
  await ctx.store.setReadOnly(profile.id, readOnly);
  await ctx.audit.record({
    connectionName: profile.name, brokerUrl: profile.brokerUrl, action: readOnly ? 'connection.lock' : 'connection.unlock',
    target: profile.name, outcome: 'done', detail: readOnly ? 'write actions hidden and refused' : 'write actions allowed',
  });
  vscode.window.setStatusBarMessage(`Celery: "${profile.name}" ${readOnly ? 'is read-only' : 'allows actions'}`, 5000);
  return readOnly;
}

/** Allow write actions on a connection (its items then show them). */
export const unlockConnection = (ctx: CommandContext, arg?: unknown) => setMode(ctx, arg, false);
/** Hide and refuse write actions on a connection again. */
export const makeReadOnly = (ctx: CommandContext, arg?: unknown) => setMode(ctx, arg, true);

export async function openAuditLog(ctx: CommandContext): Promise<void> {
  await ctx.audit.open();
}
