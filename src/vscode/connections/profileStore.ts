/**
 * Connection profiles from three places — the user's own list (global state), workspace settings
 * and workspace `.env` files — with every password kept in SecretStorage, never in settings,
 * state or logs.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { Emitter } from '../../core/util/emitter';
import { parseDotenv } from '../../core/util/dotenv';
import { splitPassword, withPassword, redactUrl } from '../../core/url/connectionUrl';
import type { Logger } from '../../core/util/logger';
import { settingsConnections, CONFIG_SECTION } from '../config';
import { SECRET_FIELDS, type ConnectionProfile, type SecretField } from './connectionProfile';

const USER_PROFILES_KEY = 'celeryLens.userConnections';
/** Read-only choices for connections from settings or `.env`, which Celery Lens does not rewrite. */
const READ_ONLY_OVERRIDES_KEY = 'celeryLens.readOnlyOverrides';

/** What a user enters for a new or edited connection (URLs may hold passwords here). */
export interface ProfileInput {
  name: string;
  brokerUrl: string;
  backendUrl?: string;
  managementUrl?: string;
  readOnly?: boolean;
}

export class ProfileStore implements vscode.Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private envProfiles: ConnectionProfile[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly warnedPasswordInSettings = new Set<string>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly logger: Logger,
  ) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${CONFIG_SECTION}.connections`)) this.changed.fire();
    }));
    const watcher = vscode.workspace.createFileSystemWatcher('**/.env');
    const reloadEnv = () => void this.loadEnvProfiles();
    this.disposables.push(watcher, watcher.onDidChange(reloadEnv), watcher.onDidCreate(reloadEnv), watcher.onDidDelete(reloadEnv));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(reloadEnv));
  }

  /** Read `.env` files once at start (and again when they change). */
  async loadEnvProfiles(): Promise<void> {
    const found: ConnectionProfile[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.env'));
        const vars = parseDotenv(Buffer.from(bytes).toString('utf8'));
        if (!vars.CELERY_BROKER_URL) continue;
        found.push({
          id: `env:${folder.name}`,
          name: `${folder.name} (.env)`,
          brokerUrl: vars.CELERY_BROKER_URL,
          backendUrl: vars.CELERY_RESULT_BACKEND || undefined,
          readOnly: true,
          source: 'env',
        });
      } catch {
        // No .env in this folder.
      }
    }
    this.envProfiles = found;
    this.changed.fire();
  }

  private userProfiles(): ConnectionProfile[] {
    return this.state.get<ConnectionProfile[]>(USER_PROFILES_KEY, []);
  }

  private workspaceProfiles(): ConnectionProfile[] {
    const profiles: ConnectionProfile[] = [];
    for (const entry of settingsConnections()) {
      if (typeof entry.name !== 'string' || typeof entry.brokerUrl !== 'string') continue;
      const id = `workspace:${entry.name}`;
      for (const url of [entry.brokerUrl, entry.backendUrl, entry.managementUrl]) {
        if (typeof url === 'string' && splitPassword(url).password && !this.warnedPasswordInSettings.has(id)) {
          this.warnedPasswordInSettings.add(id);
          this.logger.warn(`Connection "${entry.name}" in settings holds a password (${redactUrl(url)}): settings are not a safe place for it; add the connection with "Celery: Add Connection" instead.`);
        }
      }
      profiles.push({
        id,
        name: entry.name,
        brokerUrl: entry.brokerUrl,
        backendUrl: typeof entry.backendUrl === 'string' ? entry.backendUrl : undefined,
        managementUrl: typeof entry.managementUrl === 'string' ? entry.managementUrl : undefined,
        readOnly: entry.readOnly !== false,
        source: 'workspace',
      });
    }
    return profiles;
  }

  /** Every profile, user ones first. */
  all(): ConnectionProfile[] {
    const overrides = this.state.get<Record<string, boolean>>(READ_ONLY_OVERRIDES_KEY, {});
    const others = [...this.workspaceProfiles(), ...this.envProfiles]
      .map((p) => (typeof overrides[p.id] === 'boolean' ? { ...p, readOnly: overrides[p.id] } : p));
    return [...this.userProfiles(), ...others];
  }

  get(id: string): ConnectionProfile | undefined {
    return this.all().find((p) => p.id === id);
  }

  private secretKey(id: string, field: SecretField): string {
    return `celeryLens/${id}/${field}`;
  }

  /** Save a new user profile; passwords go to SecretStorage. Returns the stored profile. */
  async add(input: ProfileInput): Promise<ConnectionProfile> {
    return this.save(`user:${randomUUID()}`, input);
  }

  async update(id: string, input: ProfileInput): Promise<ConnectionProfile> {
    if (!this.userProfiles().some((p) => p.id === id)) throw new Error('only connections added in Celery Lens can be edited here');
    return this.save(id, input);
  }

  private async save(id: string, input: ProfileInput): Promise<ConnectionProfile> {
    const profile: ConnectionProfile = { id, name: input.name, brokerUrl: '', readOnly: input.readOnly ?? true, source: 'user' };
    for (const field of SECRET_FIELDS) {
      const value = input[field];
      if (!value) {
        await this.secrets.delete(this.secretKey(id, field));
        continue;
      }
      const { url, password } = splitPassword(value);
      profile[field] = url;
      if (password) await this.secrets.store(this.secretKey(id, field), password);
      else await this.secrets.delete(this.secretKey(id, field));
    }
    const others = this.userProfiles().filter((p) => p.id !== id);
    await this.state.update(USER_PROFILES_KEY, [...others, profile]);
    this.changed.fire();
    return profile;
  }

  async remove(id: string): Promise<void> {
    await this.state.update(USER_PROFILES_KEY, this.userProfiles().filter((p) => p.id !== id));
    for (const field of SECRET_FIELDS) await this.secrets.delete(this.secretKey(id, field));
    this.changed.fire();
  }

  /** Lock or unlock a connection; for settings and `.env` ones the choice is kept beside them. */
  async setReadOnly(id: string, readOnly: boolean): Promise<void> {
    if (this.userProfiles().some((p) => p.id === id)) {
      await this.state.update(USER_PROFILES_KEY, this.userProfiles().map((p) => (p.id === id ? { ...p, readOnly } : p)));
    } else {
      const overrides = this.state.get<Record<string, boolean>>(READ_ONLY_OVERRIDES_KEY, {});
      await this.state.update(READ_ONLY_OVERRIDES_KEY, { ...overrides, [id]: readOnly });
    }
    this.changed.fire();
  }

  /** The profile's URLs with their passwords from SecretStorage, for connecting only. */
  async resolve(profile: ConnectionProfile): Promise<ConnectionProfile> {
    const resolved = { ...profile };
    for (const field of SECRET_FIELDS) {
      const url = profile[field];
      if (!url) continue;
      resolved[field] = withPassword(url, await this.secrets.get(this.secretKey(profile.id, field)));
    }
    return resolved;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}
