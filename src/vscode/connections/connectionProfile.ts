/** A saved way to reach one Celery cluster. URLs here never hold a password. */
export interface ConnectionProfile {
  /** Stable id: `user:<uuid>`, `workspace:<name>` or `env:<folder>`. */
  id: string;
  name: string;
  brokerUrl: string;
  backendUrl?: string;
  managementUrl?: string;
  /** Write actions are hidden and refused (the default for new connections). */
  readOnly: boolean;
  /** Where it comes from: the user's own list (editable), workspace settings, or a workspace `.env`. */
  source: 'user' | 'workspace' | 'env';
}

/** The URL fields that may have a password kept in secret storage. */
export const SECRET_FIELDS = ['brokerUrl', 'backendUrl', 'managementUrl'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

/** A profile with its passwords put back, ready to connect. Never stored, never logged. */
export interface ResolvedProfile extends ConnectionProfile {
  secretsApplied: true;
}
