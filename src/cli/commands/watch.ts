import type { CliCommand } from './command';
import { numberOption } from '../args';
import { describeConnectionStatus, monitorSnapshot } from '../../core/monitor/monitorSnapshot';
import { createCliMonitor, startOrFail } from '../cliMonitor';
import { renderSummary } from '../watchView';
import { untilStopped } from '../stopSignal';

const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/**
 * Rendered from a ClusterMonitor, so the watch survives broker restarts and hangs: it reconnects
 * with backoff and shows the connection's state meanwhile. Only a broker that never answered
 * makes it exit (like every other command).
 */
export const watchCommand: CliCommand = {
  name: 'watch',
  usage: '[--interval S] [--duration S] [--tasks N]',
  summary: 'a live, refreshing summary of workers, queues and recent tasks (Ctrl-C to stop)',
  options: { interval: { type: 'string' }, duration: { type: 'string' }, tasks: { type: 'string' } },
  async run(ctx, _positionals, options) {
    const interval = numberOption(options.interval, '--interval', { min: 0.2 }) ?? 2;
    const duration = numberOption(options.duration, '--duration');
    const taskRows = numberOption(options.tasks, '--tasks', { min: 1, integer: true }) ?? 15;
    const intervalMs = interval * 1000;
    // Decoding on a worker thread (true): at thousands of events a second, decoding here would hold back the frames.
    const monitor = createCliMonitor(ctx, 'watch', {
      // Inspect is a broadcast every worker answers: not more often than every 2 s.
      inspectIntervalMs: Math.max(intervalMs, 2000),
      queuePollIntervalMs: Math.max(intervalMs, 500),
      backfillLimit: 200,
    }, true);
    const tty = process.stdout.isTTY === true && !ctx.out.json;
    // On a terminal the frame shows the connection state; elsewhere the log lines go to stderr.
    if (!tty) monitor.onDidLog((entry) => (entry.level !== 'info' ? ctx.out.warn(entry.message) : undefined));
    const stopper = untilStopped(duration);
    let stopped = false;
    void stopper.promise.then(() => (stopped = true));
    try {
      await startOrFail(monitor);
      while (!stopped) {
        const snapshot = monitorSnapshot(monitor, taskRows);
        const connection = describeConnectionStatus(monitor.status, Date.now());
        if (ctx.out.json) {
          const { events, eventsLost, blocked, eventGaps, eventsEstimatedLost, lastEventGap, heartbeatSilence, heartbeatSilences } = monitor.health;
          const health = {
            events, eventsLost: eventsLost ?? 0, blocked, eventGaps: eventGaps ?? 0, eventsEstimatedLost: eventsEstimatedLost ?? 0, lastEventGap,
            heartbeatSilence, heartbeatSilences: heartbeatSilences ?? 0, eventDecoding: monitor.eventDecoding,
          };
          ctx.out.value({ at: Date.now() / 1000, connection: monitor.status, health, ...snapshot }, true);
        } else {
          const lines = renderSummary(snapshot, { broker: ctx.brokerUrl.redacted, now: Date.now() / 1000, eventCount: monitor.health.events, connection });
          if (tty) process.stdout.write(CLEAR_SCREEN);
          lines.forEach((l) => ctx.out.line(l));
          if (!tty) ctx.out.line('');
        }
        await Promise.race([stopper.promise, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
      }
    } finally {
      stopper.stop();
      await monitor.stop();
    }
  },
};
