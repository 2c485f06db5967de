/** MonitorSettings with every default filled in, and nonsense values (0, NaN, negative) replaced. */
import type { MonitorSettings } from './monitorTypes';

export type ResolvedSettings = Required<MonitorSettings>;

export const DEFAULT_MONITOR_SETTINGS: ResolvedSettings = Object.freeze({
  inspectIntervalMs: 10_000,
  queuePollIntervalMs: 5_000,
  maxTasks: 100_000,
  backfillLimit: 2_000,
  controlTimeoutMs: 1_000,
  connectTimeoutMs: 5_000,
  commandTimeoutMs: 5_000,
  queuedBackfillPerQueue: 100,
  peekAmqpOnBackfill: false,
  healthCheckIntervalMs: 30_000,
});

/** Lower bounds that keep a typo from hammering the broker. */
const MINIMUM: Partial<Record<keyof MonitorSettings, number>> = {
  inspectIntervalMs: 500,
  queuePollIntervalMs: 200,
  maxTasks: 1,
  controlTimeoutMs: 50,
  connectTimeoutMs: 100,
  commandTimeoutMs: 100,
  healthCheckIntervalMs: 200,
};

function pick(key: keyof MonitorSettings, value: unknown): number {
  const fallback = DEFAULT_MONITOR_SETTINGS[key] as number;
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const min = MINIMUM[key];
  if (min !== undefined && value < min) return fallback;
  return Math.max(0, Math.floor(value));
}

export function resolveSettings(settings: MonitorSettings = {}): ResolvedSettings {
  return {
    inspectIntervalMs: pick('inspectIntervalMs', settings.inspectIntervalMs),
    queuePollIntervalMs: pick('queuePollIntervalMs', settings.queuePollIntervalMs),
    maxTasks: pick('maxTasks', settings.maxTasks),
    backfillLimit: pick('backfillLimit', settings.backfillLimit),
    controlTimeoutMs: pick('controlTimeoutMs', settings.controlTimeoutMs),
    connectTimeoutMs: pick('connectTimeoutMs', settings.connectTimeoutMs),
    commandTimeoutMs: pick('commandTimeoutMs', settings.commandTimeoutMs),
    queuedBackfillPerQueue: pick('queuedBackfillPerQueue', settings.queuedBackfillPerQueue),
    peekAmqpOnBackfill: settings.peekAmqpOnBackfill === true,
    healthCheckIntervalMs: pick('healthCheckIntervalMs', settings.healthCheckIntervalMs),
  };
}
