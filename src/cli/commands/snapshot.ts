import type { CliCommand } from './command';
import { numberOption } from '../args';
import { ClusterObserver } from '../../core/snapshot/clusterObserver';
import { renderSummary } from '../watchView';

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  usage: '[--duration S]',
  summary: 'listen S seconds (default 3), inspect, print one document (JSON with --json)',
  options: { duration: { type: 'string' } },
  async run(ctx, _positionals, options) {
    const duration = numberOption(options.duration, '--duration') ?? 3;
    const observer = new ClusterObserver(await ctx.broker(), await ctx.control(), await ctx.optionalBackend());
    await observer.start();
    try {
      // Inspect while listening, so the replies and the events cover the same moment.
      await Promise.all([observer.refresh(), new Promise((resolve) => setTimeout(resolve, duration * 1000))]);
      await observer.readBackend();
    } finally {
      await observer.close();
    }
    const snapshot = observer.snapshot();
    if (ctx.out.json) ctx.out.value(snapshot, true);
    else renderSummary(snapshot, { broker: ctx.brokerUrl.redacted, now: Date.now() / 1000 }).forEach((l) => ctx.out.line(l));
    if (snapshot.errors.length && !ctx.out.json) ctx.out.warn(`${snapshot.errors.length} problem(s) while reading the cluster; see --json "errors"`);
  },
};
