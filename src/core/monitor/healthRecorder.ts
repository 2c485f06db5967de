/**
 * Counting and logging what goes wrong while monitoring: undecodable events and messages, failed
 * calls. Counts and the recent problems live in {@link MonitorHealth}; log lines go through a
 * {@link RateLimitedLog} so 1 000 bad events a second make a handful of lines, not 1 000.
 */
import type { BrokerNotice } from '../broker/brokerNotices';
import type { Undecodable } from '../celery/rawMessage';
import { snapshotErrorOf } from '../state/index';
import type { SnapshotError } from '../state/snapshotTypes';
import type { EventGap } from './eventGaps';
import type { MonitorHealth } from './monitorTypes';
import type { LogLevel, RateLimitedLog } from './rateLimitedLog';

/** Recent problems kept for the connection's tooltip. */
export const RECENT_ERRORS_KEPT = 50;

export function emptyHealth(): MonitorHealth {
  return { undecodableEvents: 0, undecodableOther: 0, recentErrors: [], events: 0, resultsReceived: 0, foreignResultsIgnored: 0, reconnects: 0 };
}

function describeUndecodable(u: Undecodable): string {
  const task = u.taskId ? ` (task ${u.taskName ?? '?'} ${u.taskId})` : '';
  return `undecodable ${u.source} from ${u.where}${task}: ${u.reason}`;
}

/** "no events for 3.2 s (about 12,000 lost): <reason>". */
export function describeGap(gap: EventGap): string {
  const seconds = ((gap.to - gap.from) / 1000).toFixed(1);
  const clock = gap.clockJump !== undefined ? `, the senders' clock moved ${gap.clockJump.toLocaleString('en-US')}` : '';
  return `no events for ${seconds} s (about ${gap.estimatedLost.toLocaleString('en-US')} lost${clock}; ` +
    `results stored meanwhile are read back from the result backend): ${gap.reason}`;
}

export class HealthRecorder {
  health: MonitorHealth = emptyHealth();

  constructor(private readonly log: RateLimitedLog) {}

  /** Start counting afresh (a new start()). */
  reset(): void {
    this.health = emptyHealth();
  }

  undecodable(u: Undecodable): void {
    if (u.source === 'event') this.health.undecodableEvents++;
    else this.health.undecodableOther++;
    this.remember(snapshotErrorOf(u));
    this.log.report(u.source === 'event' ? 'undecodable events' : 'undecodable messages', 'warn', describeUndecodable(u));
  }

  /** A failed call or another problem; `message` must already be safe to show. */
  problem(source: string, message: string, level: LogLevel = 'warn'): void {
    this.remember({ kind: 'error', source, message });
    this.log.report(`problems with ${source}`, level, `${source}: ${message}`);
  }

  /** Record what the broker told (blocked, unblocked, events dropped); true when the health changed. */
  notice(notice: BrokerNotice): boolean {
    const health = this.health;
    if (notice.kind === 'blocked') {
      health.blocked = notice.reason;
      this.problem('broker', `RabbitMQ blocked the connection (${notice.reason}): control requests, and the workers' events, wait until the alarm clears`);
    } else if (notice.kind === 'unblocked') {
      if (health.blocked === undefined) return false;
      delete health.blocked;
      this.log.report('broker', 'info', 'RabbitMQ unblocked the connection');
    } else if (notice.kind === 'events-lost') {
      health.eventsLost = (health.eventsLost ?? 0) + notice.count;
      this.problem('events', notice.reason);
    } else {
      // A cut subscription is measured by the monitor's EventGapTracker, which calls gap().
      return false;
    }
    return true;
  }

  /** A gap in the event stream, once measured. */
  gap(gap: EventGap): void {
    const health = this.health;
    health.eventGaps = (health.eventGaps ?? 0) + 1;
    health.eventsEstimatedLost = (health.eventsEstimatedLost ?? 0) + gap.estimatedLost;
    health.lastEventGap = gap;
    this.problem('events', describeGap(gap));
  }

  private remember(error: SnapshotError): void {
    const recent = this.health.recentErrors;
    recent.push(error);
    if (recent.length > RECENT_ERRORS_KEPT) recent.splice(0, recent.length - RECENT_ERRORS_KEPT);
  }
}
