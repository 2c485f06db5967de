import type { CliCommand } from './command';
import { numberOption } from '../args';
import { ClusterObserver } from '../../core/snapshot/clusterObserver';
import { renderSummary } from '../watchView';
import { untilStopped } from '../stopSignal';

const CLEAR_SCREEN = '\x1b[H\x1b[2J';

export const watchCommand: CliCommand = {
  name: 'watch',
  usage: '[--interval S] [--duration S] [--tasks N]',
  summary: 'a live, refreshing summary of workers, queues and recent tasks (Ctrl-C to stop)',
  options: { interval: { type: 'string' }, duration: { type: 'string' }, tasks: { type: 'string' } },
  async run(ctx, _positionals, options) {
    const interval = numberOption(options.interval, '--interval', { min: 0.2 }) ?? 2;
    const duration = numberOption(options.duration, '--duration');
    const taskRows = numberOption(options.tasks, '--tasks', { min: 1, integer: true }) ?? 15;
    const observer = new ClusterObserver(await ctx.broker(), await ctx.control(), await ctx.optionalBackend(), { maxBackfill: 200 });
    const tty = process.stdout.isTTY === true && !ctx.out.json;
    await observer.start();
    const stopper = untilStopped(duration);
    let stopped = false;
    void stopper.promise.then(() => (stopped = true));
    try {
      await observer.refresh();
      await observer.readBackend();
      while (!stopped) {
        const snapshot = observer.snapshot(taskRows);
        if (ctx.out.json) {
          ctx.out.value({ at: Date.now() / 1000, ...snapshot }, true);
        } else {
          const lines = renderSummary(snapshot, { broker: ctx.brokerUrl.redacted, now: Date.now() / 1000, eventCount: observer.state.eventCount });
          if (tty) process.stdout.write(CLEAR_SCREEN);
          lines.forEach((l) => ctx.out.line(l));
          if (!tty) ctx.out.line('');
        }
        await Promise.race([stopper.promise, new Promise((resolve) => setTimeout(resolve, interval * 1000))]);
        if (!stopped) await observer.refresh();
      }
    } finally {
      stopper.stop();
      await observer.close();
    }
  },
};
