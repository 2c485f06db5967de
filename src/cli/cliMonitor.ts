/**
 * The ClusterMonitor behind `watch` and `snapshot`: the same model, reconnection and error
 * accounting the extension uses, configured from the command line's options.
 */
import { ClusterMonitor } from '../core/monitor/clusterMonitor';
import type { MonitorSettings } from '../core/monitor/monitorTypes';
import { CeleryLensError } from '../core/util/errors';
import type { CliContext } from './context';

/**
 * `decodeInWorker`: decode Redis events on a worker thread (dist/eventDecodeWorker.js beside the
 * bundle), for a command that ingests the stream for long (`watch`); a one-shot command is better
 * off without the thread's start-up.
 */
export function createCliMonitor(ctx: CliContext, name: string, settings: MonitorSettings, decodeInWorker = false): ClusterMonitor {
  return new ClusterMonitor({
    name,
    decodeInWorker,
    brokerUrl: ctx.brokerUrl,
    backendUrl: ctx.backendUrl,
    managementUrl: ctx.managementUrl,
    settings: {
      controlTimeoutMs: ctx.replyTimeoutMs,
      connectTimeoutMs: ctx.connectTimeoutMs,
      commandTimeoutMs: ctx.connectTimeoutMs,
      ...settings,
    },
  });
}

/** Start `monitor`; a broker that did not answer the first attempt ends the command like any other. */
export async function startOrFail(monitor: ClusterMonitor): Promise<void> {
  await monitor.start();
  const first = monitor.status;
  if (first.kind === 'reconnecting' || first.kind === 'error') throw new CeleryLensError(first.reason);
}
