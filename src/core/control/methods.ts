/**
 * The remote-control vocabulary Celery 5 workers understand, with the argument shapes Celery itself
 * sends (captured from Celery 5.2.6). One table drives the CLI's usage text, argument parsing and
 * whether a reply is expected, so the CLI and the extension cannot drift apart.
 */
import { CeleryLensError } from '../util/errors';

export class ControlArgumentError extends CeleryLensError {
  constructor(message: string) {
    super(message, 'USAGE');
  }
}

export interface ControlMethod {
  /** Positional arguments as shown in usage, e.g. `<task_name> <rate_limit>`. */
  usage: string;
  /** What it does, one line. */
  summary: string;
  /** False for methods a worker never answers (shutdown) or that are casts (heartbeat). */
  replies: boolean;
  /** Changes worker state (refused in read-only mode by the extension). */
  writes: boolean;
  /** Build the `arguments` object from positional strings; throws ControlArgumentError. */
  build(positionals: string[]): Record<string, unknown>;
}

function none(method: string): (p: string[]) => Record<string, unknown> {
  return (p) => {
    if (p.length) throw new ControlArgumentError(`${method} takes no arguments`);
    return {};
  };
}

function need(p: string[], n: number, method: string, usage: string): void {
  if (p.length < n) throw new ControlArgumentError(`${method} needs ${usage}`);
}

function positiveInt(text: string | undefined, what: string, fallback?: number): number {
  if (text === undefined && fallback !== undefined) return fallback;
  if (text === undefined || !/^\d+$/.test(text)) throw new ControlArgumentError(`${what} must be a whole number, got "${text ?? ''}"`);
  return Number(text);
}

function seconds(text: string | undefined, what: string): number | null {
  if (text === undefined || text === 'none' || text === 'null') return null;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new ControlArgumentError(`${what} must be a number of seconds, got "${text}"`);
  return n;
}

/** Signals `revoke --terminate` may send (Celery takes the name). */
export const TERMINATE_SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'] as const;

export function normaliseSignal(signal: string): string {
  const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
  if (!(TERMINATE_SIGNALS as readonly string[]).includes(name)) {
    throw new ControlArgumentError(`unknown signal "${signal}": use one of ${TERMINATE_SIGNALS.join(', ')}`);
  }
  return name;
}

export const INSPECT_METHODS: Record<string, ControlMethod> = {
  ping: { usage: '', summary: 'ping workers', replies: true, writes: false, build: none('ping') },
  stats: { usage: '', summary: 'worker statistics', replies: true, writes: false, build: none('stats') },
  active: { usage: '', summary: 'tasks being executed', replies: true, writes: false, build: (p) => (none('active')(p), { safe: null }) },
  reserved: { usage: '', summary: 'tasks prefetched, waiting to run', replies: true, writes: false, build: none('reserved') },
  scheduled: { usage: '', summary: 'tasks with an ETA or countdown', replies: true, writes: false, build: none('scheduled') },
  registered: {
    usage: '[attribute ...]', summary: 'registered task names', replies: true, writes: false,
    build: (p) => ({ taskinfoitems: p.length ? p : null }),
  },
  active_queues: { usage: '', summary: 'queues being consumed from', replies: true, writes: false, build: none('active_queues') },
  conf: {
    usage: '[with_defaults]', summary: 'worker configuration (secrets masked by Celery)', replies: true, writes: false,
    build: (p) => ({ with_defaults: p[0] === 'with_defaults' || p[0] === 'true' }),
  },
  revoked: { usage: '', summary: 'revoked task ids', replies: true, writes: false, build: none('revoked') },
  report: { usage: '', summary: 'bug report information', replies: true, writes: false, build: none('report') },
  query_task: {
    usage: '<task_id> [task_id ...]', summary: 'where tasks are (active, reserved, scheduled)', replies: true, writes: false,
    build: (p) => (need(p, 1, 'query_task', 'at least one task id'), { ids: p }),
  },
  clock: { usage: '', summary: 'the workers\' logical clock', replies: true, writes: false, build: none('clock') },
};

export const CONTROL_METHODS: Record<string, ControlMethod> = {
  revoke: {
    usage: '<task_id> [task_id ...]', summary: 'revoke tasks (use the revoke command to terminate)', replies: true, writes: true,
    build: (p) => (need(p, 1, 'revoke', 'at least one task id'), { task_id: p.length === 1 ? p[0] : p, terminate: false, signal: 'SIGTERM' }),
  },
  rate_limit: {
    usage: '<task_name> <rate_limit>', summary: 'set a task type\'s rate limit (e.g. 10/m, 0 for none)', replies: true, writes: true,
    build: (p) => {
      need(p, 2, 'rate_limit', '<task_name> <rate_limit>');
      if (!/^(\d+(\.\d+)?(\/[smh])?)$/.test(p[1])) throw new ControlArgumentError(`bad rate limit "${p[1]}": use e.g. 10/s, 100/m, 1000/h or 0`);
      return { task_name: p[0], rate_limit: p[1] };
    },
  },
  time_limit: {
    usage: '<task_name> <soft_secs> [hard_secs]', summary: 'set a task type\'s time limits', replies: true, writes: true,
    build: (p) => (need(p, 2, 'time_limit', '<task_name> <soft_secs> [hard_secs]'),
    { task_name: p[0], soft: seconds(p[1], 'soft limit'), hard: seconds(p[2], 'hard limit') }),
  },
  pool_grow: { usage: '[n=1]', summary: 'add pool processes', replies: true, writes: true, build: (p) => ({ n: positiveInt(p[0], 'n', 1) }) },
  pool_shrink: { usage: '[n=1]', summary: 'remove pool processes', replies: true, writes: true, build: (p) => ({ n: positiveInt(p[0], 'n', 1) }) },
  autoscale: {
    usage: '<max> <min>', summary: 'set autoscale bounds', replies: true, writes: true,
    build: (p) => (need(p, 2, 'autoscale', '<max> <min>'), { max: positiveInt(p[0], 'max'), min: positiveInt(p[1], 'min') }),
  },
  add_consumer: {
    usage: '<queue> [exchange] [exchange_type] [routing_key]', summary: 'start consuming from a queue', replies: true, writes: true,
    build: (p) => (need(p, 1, 'add_consumer', '<queue>'),
    { queue: p[0], exchange: p[1] ?? null, exchange_type: p[2] ?? 'direct', routing_key: p[3] ?? null }),
  },
  cancel_consumer: {
    usage: '<queue>', summary: 'stop consuming from a queue', replies: true, writes: true,
    build: (p) => (need(p, 1, 'cancel_consumer', '<queue>'), { queue: p[0] }),
  },
  pool_restart: {
    usage: '[module ...]', summary: 'restart the pool (needs worker_pool_restarts)', replies: true, writes: true,
    build: (p) => ({ modules: p.length ? p : null, reload: p.length > 0, reloader: null }),
  },
  shutdown: { usage: '', summary: 'shut workers down (warm); workers never reply', replies: false, writes: true, build: none('shutdown') },
  enable_events: { usage: '', summary: 'make workers send task events', replies: true, writes: true, build: none('enable_events') },
  disable_events: { usage: '', summary: 'stop workers sending task events', replies: true, writes: true, build: none('disable_events') },
  heartbeat: { usage: '', summary: 'ask workers for a heartbeat event (no reply)', replies: false, writes: false, build: none('heartbeat') },
};

export function lookupMethod(table: Record<string, ControlMethod>, name: string, kind: string): ControlMethod {
  const method = Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!method) {
    throw new ControlArgumentError(`unknown ${kind} method "${name}": one of ${Object.keys(table).join(', ')}`);
  }
  return method;
}
