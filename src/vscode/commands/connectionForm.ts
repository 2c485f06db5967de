/**
 * The add/edit connection flow: a few input boxes, each URL validated as Celery would parse it,
 * passwords accepted here and handed to the profile store (which puts them in SecretStorage).
 */
import * as vscode from 'vscode';
import { parseConnectionUrl } from '../../core/url/connectionUrl';
import type { ProfileInput } from '../connections/profileStore';

function validateUrl(value: string, optional: boolean, kinds: Array<'redis' | 'amqp'>): string | undefined {
  if (!value.trim()) return optional ? undefined : 'A broker URL is needed, e.g. redis://localhost:6379/0';
  try {
    const url = parseConnectionUrl(value);
    if (!kinds.includes(url.kind)) return `Expected a ${kinds.join(' or ')} URL`;
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function validateHttp(value: string): string | undefined {
  if (!value.trim()) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'Expected http:// or https://';
  } catch {
    return 'Not a URL, e.g. http://localhost:15672';
  }
}

/** Ask for a connection; `initial` prefills it (edit). Undefined when the user cancels. */
export async function connectionForm(initial?: Partial<ProfileInput>): Promise<ProfileInput | undefined> {
  const title = initial?.name ? `Edit connection "${initial.name}"` : 'Add Celery connection';
  const brokerUrl = await vscode.window.showInputBox({
    title, prompt: 'Broker URL (a password typed here goes to the editor\'s secret storage, never to settings)',
    value: initial?.brokerUrl ?? 'redis://localhost:6379/0', ignoreFocusOut: true, password: false,
    validateInput: (v) => validateUrl(v, false, ['redis', 'amqp']),
  });
  if (brokerUrl === undefined) return undefined;
  const backendUrl = await vscode.window.showInputBox({
    title, prompt: 'Redis result backend URL (optional: leave empty when results are not stored in Redis)',
    value: initial?.backendUrl ?? (brokerUrl.startsWith('redis') ? brokerUrl : ''), ignoreFocusOut: true,
    validateInput: (v) => validateUrl(v, true, ['redis']),
  });
  if (backendUrl === undefined) return undefined;
  let managementUrl: string | undefined = initial?.managementUrl;
  if (brokerUrl.startsWith('amqp')) {
    managementUrl = await vscode.window.showInputBox({
      title, prompt: 'RabbitMQ management API URL (optional; needed to list and peek queues), e.g. http://guest:guest@localhost:15672',
      value: initial?.managementUrl ?? '', ignoreFocusOut: true, validateInput: validateHttp,
    });
    if (managementUrl === undefined) return undefined;
  }
  const defaultName = (() => {
    try {
      const u = parseConnectionUrl(brokerUrl);
      return `${u.host}:${u.port}`;
    } catch {
      return 'Celery';
    }
  })();
  const name = await vscode.window.showInputBox({
    title, prompt: 'Name shown in the Celery views', value: initial?.name ?? defaultName, ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'A name is needed'),
  });
  if (name === undefined) return undefined;
  const mode = await vscode.window.showQuickPick(
    [
      { label: 'Read-only', description: 'recommended: actions that change the cluster are hidden and refused', readOnly: true },
      { label: 'Allow actions', description: 'revoke, purge, shutdown… (each destructive one still asks first)', readOnly: false },
    ],
    { title, placeHolder: 'May Celery Lens change this cluster?', ignoreFocusOut: true },
  );
  if (!mode) return undefined;
  return { name: name.trim(), brokerUrl: brokerUrl.trim(), backendUrl: backendUrl.trim() || undefined, managementUrl: managementUrl?.trim() || undefined, readOnly: mode.readOnly };
}
