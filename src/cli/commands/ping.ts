import type { CliCommand } from './command';
import { DESTINATION_OPTION, destinationOf } from './command';
import { noRepliesError } from './noReplies';
import { table } from '../output';

export const pingCommand: CliCommand = {
  name: 'ping',
  usage: '[--destination W,...]',
  summary: 'workers that answered, with round-trip time',
  options: DESTINATION_OPTION,
  async run(ctx, _positionals, options) {
    const destination = destinationOf(options);
    const control = await ctx.control();
    const { replies, errors } = await control.ping({ destination });
    errors.forEach((e) => ctx.out.undecodable(e));
    if (!replies.length) throw noRepliesError(ctx.replyTimeoutMs, destination);
    const sorted = [...replies].sort((a, b) => a.hostname.localeCompare(b.hostname));
    if (ctx.out.json) {
      ctx.out.value(sorted.map((r) => ({ hostname: r.hostname, reply: r.reply, rttMs: Math.round(r.elapsedMs * 10) / 10 })), true);
      return;
    }
    const rows = sorted.map((r) => {
      const ok = (r.reply as { ok?: unknown } | null)?.ok;
      return [r.hostname, typeof ok === 'string' ? ok : JSON.stringify(r.reply), `${r.elapsedMs.toFixed(1)} ms`];
    });
    table(rows).forEach((l) => ctx.out.line(l));
    ctx.out.line(`${replies.length} worker${replies.length === 1 ? '' : 's'} answered`);
  },
};
