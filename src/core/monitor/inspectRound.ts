/**
 * One round of asking every worker what it is doing, merged into the ClusterState. The seven
 * inspect calls run in parallel (each waits the reply timeout, since we cannot know how many
 * workers will answer), so a round takes about one timeout.
 */
import type { CallResult, RemoteControl } from '../control/remoteControl';
import type { ClusterState } from '../state/index';
import { isConnectionFault, safeReason } from './faults';
import type { HealthRecorder } from './healthRecorder';
import type { MonitoredWorkerInfo } from './monitorTypes';

export const INSPECT_METHODS = ['stats', 'active', 'reserved', 'scheduled', 'active_queues', 'registered', 'conf'] as const;
type InspectMethod = (typeof INSPECT_METHODS)[number];

export interface InspectRoundResult {
  /** `{ worker: [queue dicts] }` from `active_queues`, for queue discovery. */
  activeQueues: Record<string, unknown>;
  /** Workers that answered at least one call. */
  answered: Set<string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request dicts inside a `scheduled` reply (`[{eta, priority, request}]`). */
function scheduledRequests(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((entry) => (isRecord(entry) ? entry.request : undefined)).filter(isRecord);
}

/**
 * Ask, merge, and return what queue discovery needs. Throws only when every call failed and the
 * failure is a connection fault (the caller reconnects); other failures are recorded in `health`.
 */
export async function runInspectRound(
  control: RemoteControl,
  state: ClusterState,
  workerInfo: Map<string, MonitoredWorkerInfo>,
  health: HealthRecorder,
  options: { timeoutMs: number; describe?: (err: unknown) => string },
): Promise<InspectRoundResult> {
  const settled = await Promise.allSettled(INSPECT_METHODS.map((m) => control.inspect(m, {}, { timeoutMs: options.timeoutMs })));
  const results = new Map<InspectMethod, CallResult>();
  const failures: unknown[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') results.set(INSPECT_METHODS[i], outcome.value);
    else failures.push(outcome.reason);
  });
  if (results.size === 0 && failures.some(isConnectionFault)) throw failures.find(isConnectionFault);
  const describe = options.describe ?? ((err: unknown) => safeReason(err));
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') health.problem(`inspect ${INSPECT_METHODS[i]}`, describe(outcome.reason));
  }
  for (const result of results.values()) result.errors.forEach((e) => health.undecodable(e));

  const replies = (method: InspectMethod): Record<string, unknown> => results.get(method)?.byWorker ?? {};
  const answered = new Set<string>();
  for (const result of results.values()) Object.keys(result.byWorker).forEach((host) => answered.add(host));
  const infoOf = (host: string): MonitoredWorkerInfo => {
    let info = workerInfo.get(host);
    if (!info) workerInfo.set(host, (info = {}));
    return info;
  };
  const now = state.now();
  for (const host of answered) infoOf(host).lastReplyAt = now;

  for (const [host, reply] of Object.entries(replies('stats'))) state.mergeWorkerStats(host, reply);
  for (const [host, reply] of Object.entries(replies('active'))) state.mergeActive(host, reply);
  // ETA/countdown tasks a worker holds are reserved too (prefetched, waiting for their time):
  // they are merged with the reserved ones so they show up as RECEIVED on that worker.
  const scheduled = replies('scheduled');
  for (const [host, reply] of Object.entries(replies('reserved'))) {
    const waiting = host in scheduled ? scheduledRequests(scheduled[host]) : [];
    state.mergeReserved(host, Array.isArray(reply) ? [...reply, ...waiting] : waiting.length ? waiting : reply);
  }
  for (const [host, reply] of Object.entries(scheduled)) {
    if (Array.isArray(reply)) infoOf(host).scheduled = reply;
  }
  for (const [host, reply] of Object.entries(replies('registered'))) state.mergeRegistered(host, reply);
  for (const [host, reply] of Object.entries(replies('active_queues'))) state.mergeActiveQueues(host, reply);
  for (const [host, reply] of Object.entries(replies('conf'))) {
    if (isRecord(reply)) infoOf(host).conf = reply;
  }
  return { activeQueues: replies('active_queues'), answered };
}
