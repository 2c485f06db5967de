import type { CliCommand } from './command';
import { numberOption } from '../args';
import { monitorSnapshot } from '../../core/monitor/monitorSnapshot';
import { createCliMonitor, startOrFail } from '../cliMonitor';
import { renderSummary } from '../watchView';

/** Longer than any sensible --duration: one inspect round and one queue poll, run by hand below. */
const NO_REPEAT_MS = 24 * 3600_000;

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  usage: '[--duration S]',
  summary: 'listen S seconds (default 3), inspect, print one document (JSON with --json)',
  options: { duration: { type: 'string' } },
  async run(ctx, _positionals, options) {
    const duration = numberOption(options.duration, '--duration') ?? 3;
    const monitor = createCliMonitor(ctx, 'snapshot', { inspectIntervalMs: NO_REPEAT_MS, queuePollIntervalMs: NO_REPEAT_MS, backfillLimit: 1000 });
    let snapshot;
    try {
      await startOrFail(monitor);
      // Inspect again at the end of the listening window, so replies and events cover the same moment.
      await new Promise((resolve) => setTimeout(resolve, duration * 1000));
      await monitor.refresh();
      snapshot = monitorSnapshot(monitor);
    } finally {
      await monitor.stop();
    }
    if (ctx.out.json) ctx.out.value(snapshot, true);
    else renderSummary(snapshot, { broker: ctx.brokerUrl.redacted, now: Date.now() / 1000 }).forEach((l) => ctx.out.line(l));
    if (snapshot.errors.length && !ctx.out.json) ctx.out.warn(`${snapshot.errors.length} problem(s) while reading the cluster; see --json "errors"`);
  },
};
