import type { CliCommand } from './command';
import { onlyPositional, UsageError } from '../args';

export const purgeCommand: CliCommand = {
  name: 'purge',
  usage: '<queue> --yes',
  summary: 'DESTRUCTIVE: remove every waiting message from a queue (all priorities); prints how many',
  options: { yes: { type: 'boolean', short: 'y' } },
  async run(ctx, positionals, options) {
    const queue = onlyPositional(positionals, 'purge needs exactly one queue name');
    if (options.yes !== true) {
      throw new UsageError(`purge deletes every waiting message in "${queue}" (all priority levels) and cannot be undone; add --yes to confirm`);
    }
    const broker = await ctx.broker();
    const removed = await broker.purge(queue);
    if (ctx.out.json) ctx.out.value({ queue, removed }, true);
    else ctx.out.line(`purged ${removed} message${removed === 1 ? '' : 's'} from ${queue}`);
  },
};
