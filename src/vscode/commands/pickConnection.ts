import * as vscode from 'vscode';
import type { ConnectionProfile } from '../connections/connectionProfile';
import type { ConnectionManager } from '../connections/connectionManager';
import { connectionIdOf } from './commandContext';

/** The connection a command targets: its tree node argument, the only one, or the user's pick. */
export async function pickConnection(manager: ConnectionManager, arg: unknown, filter: (p: ConnectionProfile) => boolean = () => true): Promise<ConnectionProfile | undefined> {
  const id = connectionIdOf(arg);
  if (id) return manager.profile(id);
  const profiles = manager.profiles().filter(filter);
  if (profiles.length <= 1) return profiles[0];
  const picked = await vscode.window.showQuickPick(
    profiles.map((p) => ({ label: p.name, description: p.brokerUrl, profile: p })),
    { placeHolder: 'Which connection?' },
  );
  return picked?.profile;
}
