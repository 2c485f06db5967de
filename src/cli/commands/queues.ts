import type { CliCommand } from './command';
import { discoverQueues } from '../../core/queues/discoverQueues';
import { formatByPriority, table } from '../output';

export const queuesCommand: CliCommand = {
  name: 'queues',
  usage: '',
  summary: 'queues with messages, consumers and the per-priority breakdown',
  async run(ctx) {
    const broker = await ctx.broker();
    const active = await (await ctx.control()).inspect('active_queues');
    active.errors.forEach((e) => ctx.out.undecodable(e));
    const queues = await discoverQueues(broker, active.byWorker);
    const rows = queues.map((q) => ({ name: q.name, messages: q.messages, consumers: q.consumers ?? 0, byPriority: q.byPriority }));
    if (ctx.out.json) {
      ctx.out.value(rows, true);
      return;
    }
    if (!rows.length) {
      ctx.out.line('no queues found (no bindings on the broker and no worker answered)');
      return;
    }
    table([['QUEUE', 'MESSAGES', 'CONSUMERS', 'BY PRIORITY'], ...rows.map((q) => [q.name, String(q.messages), String(q.consumers), formatByPriority(q.byPriority)])])
      .forEach((l) => ctx.out.line(l));
  },
};
