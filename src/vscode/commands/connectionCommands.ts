/** Add, edit, remove, connect and disconnect connections; "Connect to localhost". */
import * as vscode from 'vscode';
import * as net from 'node:net';
import { parseConnectionUrl } from '../../core/url/connectionUrl';
import type { ProfileInput } from '../connections/profileStore';
import type { CommandContext } from './commandContext';
import { connectionForm } from './connectionForm';
import { pickConnection } from './pickConnection';

function isProfileInput(value: unknown): value is ProfileInput {
  return typeof value === 'object' && value !== null && typeof (value as ProfileInput).name === 'string' && typeof (value as ProfileInput).brokerUrl === 'string';
}

/** Add a connection. Scripts and tests may pass the fields instead of answering the form. */
export async function addConnection(ctx: CommandContext, input?: unknown): Promise<string | undefined> {
  const fields = isProfileInput(input) ? input : await connectionForm();
  if (!fields) return undefined;
  parseConnectionUrl(fields.brokerUrl);
  if (fields.backendUrl) parseConnectionUrl(fields.backendUrl);
  const profile = await ctx.store.add(fields);
  ctx.logger.info(`Added connection "${profile.name}" (${profile.brokerUrl})`);
  await ctx.manager.connect(profile.id);
  return profile.id;
}

export async function editConnection(ctx: CommandContext, arg?: unknown): Promise<void> {
  const profile = await pickConnection(ctx.manager, arg, (p) => p.source === 'user');
  if (!profile) return;
  if (profile.source !== 'user') {
    void vscode.window.showInformationMessage(`"${profile.name}" comes from ${profile.source === 'env' ? 'the workspace .env file' : 'workspace settings'}: edit it there.`);
    return;
  }
  const fields = await connectionForm(profile);
  if (fields) await ctx.store.update(profile.id, fields);
}

export async function removeConnection(ctx: CommandContext, arg?: unknown): Promise<void> {
  const profile = await pickConnection(ctx.manager, arg, (p) => p.source === 'user');
  if (!profile || profile.source !== 'user') return;
  const answer = await vscode.window.showWarningMessage(
    `Remove the connection "${profile.name}"? Its saved passwords are deleted too. The cluster itself is not touched.`,
    { modal: true }, 'Remove',
  );
  if (answer !== 'Remove') return;
  await ctx.store.remove(profile.id);
  ctx.logger.info(`Removed connection "${profile.name}"`);
}

export async function connect(ctx: CommandContext, arg?: unknown): Promise<void> {
  const profile = await pickConnection(ctx.manager, arg);
  if (profile) await ctx.manager.connect(profile.id);
}

export async function disconnect(ctx: CommandContext, arg?: unknown): Promise<void> {
  const profile = await pickConnection(ctx.manager, arg);
  if (profile) await ctx.manager.disconnect(profile.id);
}

function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Find a broker on this machine (Redis first, then RabbitMQ) and add it as a read-only connection. */
export async function connectLocalhost(ctx: CommandContext): Promise<string | undefined> {
  let input: ProfileInput | undefined;
  if (await portOpen(6379)) {
    input = { name: 'localhost (Redis)', brokerUrl: 'redis://localhost:6379/0', backendUrl: 'redis://localhost:6379/0', readOnly: true };
  } else if (await portOpen(5672)) {
    input = { name: 'localhost (RabbitMQ)', brokerUrl: 'amqp://guest:guest@localhost:5672//', managementUrl: (await portOpen(15672)) ? 'http://guest:guest@localhost:15672' : undefined, readOnly: true };
  }
  if (!input) {
    void vscode.window.showWarningMessage('No broker answers on localhost (Redis 6379, RabbitMQ 5672). Add the connection by hand?', 'Add Connection')
      .then((choice) => (choice ? addConnection(ctx) : undefined));
    return undefined;
  }
  const existing = ctx.manager.profiles().find((p) => p.brokerUrl === input?.brokerUrl.replace(':guest@', '@'));
  if (existing) {
    await ctx.manager.connect(existing.id);
    return existing.id;
  }
  return addConnection(ctx, input);
}
