import type { CliCommand } from './command';
import { numberOption, onlyPositional } from '../args';
import { decodeTaskMessage } from '../../core/celery/taskMessage';
import { isUndecodable } from '../../core/celery/rawMessage';
import { brief, describeUndecodable } from '../output';

export const peekCommand: CliCommand = {
  name: 'peek',
  usage: '<queue> [--limit N]',
  summary: 'the next messages in a queue, decoded; nothing is consumed',
  options: { limit: { type: 'string', short: 'n' } },
  async run(ctx, positionals, options) {
    const queue = onlyPositional(positionals, 'peek needs exactly one queue name');
    const limit = numberOption(options.limit, '--limit', { min: 1, integer: true }) ?? 10;
    const broker = await ctx.broker();
    const raw = await broker.peek(queue, limit);
    const decoded = raw.map((m) => (isUndecodable(m) ? m : decodeTaskMessage(m, queue)));
    for (const item of decoded) if (isUndecodable(item)) ctx.out.undecodable(item);
    if (ctx.out.json) {
      ctx.out.value(decoded, true);
      return;
    }
    if (!decoded.length) ctx.out.line(`${queue}: no messages`);
    decoded.forEach((m, i) => {
      const n = `${i + 1}.`.padEnd(4);
      if (isUndecodable(m)) {
        ctx.out.line(`${n}UNDECODABLE  ${describeUndecodable(m)}`);
        return;
      }
      const extras = [
        m.priority ? `priority=${m.priority}` : '',
        m.eta ? `eta=${m.eta}` : '',
        m.expires ? `expires=${m.expires}` : '',
        m.retries ? `retries=${m.retries}` : '',
      ].filter(Boolean).join(' ');
      ctx.out.line(`${n}${m.id}  ${m.name}  args=${brief(m.args, 50)} kwargs=${brief(m.kwargs, 50)}${extras ? `  ${extras}` : ''}`);
    });
  },
};
