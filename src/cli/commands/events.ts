import type { CliCommand } from './command';
import { numberOption } from '../args';
import { decodeEventMessage } from '../../core/celery/events';
import { isUndecodable } from '../../core/celery/rawMessage';
import type { CeleryEvent } from '../../core/celery/types';
import { untilStopped } from '../stopSignal';
import { brief } from '../output';

const SKIP_IN_HUMAN = new Set(['type', 'hostname', 'timestamp', 'clock', 'utcoffset', 'pid', 'local_received', 'uuid', 'known']);

export function formatEvent(event: CeleryEvent): string {
  const time = Number.isFinite(event.timestamp) ? new Date(event.timestamp * 1000).toISOString() : '?';
  const fields = Object.entries(event)
    .filter(([k, v]) => !SKIP_IN_HUMAN.has(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${brief(v, 80)}`);
  const unknown = event.known === false ? ' (unknown event type)' : '';
  return [time, event.type + unknown, event.hostname, event.uuid ?? '', ...fields].filter(Boolean).join('  ');
}

export const eventsCommand: CliCommand = {
  name: 'events',
  usage: '[--count N] [--duration S]',
  summary: 'one decoded event per line (JSON with --json), fields as Celery sends them',
  options: { count: { type: 'string', short: 'n' }, duration: { type: 'string' } },
  async run(ctx, _positionals, options) {
    const count = numberOption(options.count, '--count', { min: 1, integer: true });
    const duration = numberOption(options.duration, '--duration');
    const broker = await ctx.broker();
    const stopper = untilStopped(duration);
    let seen = 0;
    const subscription = await broker.subscribeEvents((message) => {
      if (isUndecodable(message)) {
        ctx.out.undecodable(message);
        return;
      }
      const { events, errors } = decodeEventMessage(message, message.deliveryInfo.routingKey ?? 'celeryev', Date.now() / 1000);
      errors.forEach((e) => ctx.out.undecodable(e));
      for (const event of events) {
        if (count !== undefined && seen >= count) break;
        seen++;
        if (ctx.out.json) ctx.out.value(event, true);
        else ctx.out.line(formatEvent(event));
      }
      if (count !== undefined && seen >= count) stopper.stop();
    });
    try {
      await stopper.promise;
    } finally {
      await subscription.close();
    }
    if (!ctx.out.json) ctx.out.warn(`${seen} event${seen === 1 ? '' : 's'}, ${ctx.out.undecodableCount} undecodable`);
  },
};
