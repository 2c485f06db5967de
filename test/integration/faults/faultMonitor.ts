/**
 * What the fault tests share around a ClusterMonitor: one tuned to notice a hung or gone broker within
 * about a second, and freezing a private broker node (SIGSTOP) for a while, resumed whatever happens.
 */
import { ClusterMonitor } from '../../../src/core/monitor/clusterMonitor';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { parseConnectionUrl } from '../../../src/core/url/connectionUrl';
import { waitFor } from '../support';

/** Command and connect timeouts of 1000 ms, a queue poll every 500 ms; the fault tests' bounds rest on these. */
export const FAULT_MONITOR_SETTINGS = { commandTimeoutMs: 1000, connectTimeoutMs: 1000, queuePollIntervalMs: 500, inspectIntervalMs: 1000, controlTimeoutMs: 300 };

/** A monitor (not started) with {@link FAULT_MONITOR_SETTINGS} and a short backoff, and every status it goes through. */
export function faultMonitor(name: string, brokerUrl: string, backendUrl?: string): { monitor: ClusterMonitor; statuses: ConnectionStatus[] } {
  const monitor = new ClusterMonitor({
    name,
    brokerUrl: parseConnectionUrl(brokerUrl),
    backendUrl: backendUrl ? parseConnectionUrl(backendUrl) : undefined,
    settings: FAULT_MONITOR_SETTINGS,
    backoff: { initialMs: 300, maxMs: 1000 },
  });
  const statuses: ConnectionStatus[] = [];
  monitor.onDidChangeStatus((s) => statuses.push(s));
  return { monitor, statuses };
}

/** A private broker node that can be frozen: the kernel still accepts connections, nobody answers. */
export interface Freezable {
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
}

/** Runs `body` while `node` is stopped (SIGSTOP), given when it froze; resumes it (SIGCONT) however `body` ends. */
export async function whileFrozen<T>(node: Freezable, body: (frozenAt: number) => Promise<T>): Promise<T> {
  node.signal('SIGSTOP');
  try {
    return await body(Date.now());
  } finally {
    node.signal('SIGCONT');
  }
}

/** Waits for `monitor` to go reconnecting; its reason, and how long after `frozenAt` it noticed. */
export async function hangNoticed(monitor: ClusterMonitor, frozenAt: number, timeoutMs: number): Promise<{ reason: string; afterMs: number }> {
  const status = await waitFor(() => (monitor.status.kind === 'reconnecting' ? monitor.status : undefined), timeoutMs, 'the monitor to notice the hang');
  return { reason: status.reason, afterMs: Date.now() - frozenAt };
}
