import type { CliCommand } from './command';
import { DESTINATION_OPTION, destinationOf } from './command';
import { UsageError } from '../args';
import { normaliseSignal } from '../../core/control/methods';

export const revokeCommand: CliCommand = {
  name: 'revoke',
  usage: '<task-id> [task-id ...] [--terminate] [--signal SIGTERM|SIGKILL|...]',
  summary: 'revoke tasks; --terminate also kills one that is running',
  options: { terminate: { type: 'boolean' }, signal: { type: 'string' }, ...DESTINATION_OPTION },
  async run(ctx, positionals, options) {
    if (!positionals.length) throw new UsageError('revoke needs a task id');
    if (options.signal !== undefined && options.terminate !== true) throw new UsageError('--signal only makes sense with --terminate');
    let signal: string;
    try {
      signal = normaliseSignal(typeof options.signal === 'string' ? options.signal : 'SIGTERM');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const destination = destinationOf(options);
    const control = await ctx.control();
    const { byWorker, errors } = await control.revoke(positionals, { terminate: options.terminate === true, signal }, { destination });
    errors.forEach((e) => ctx.out.undecodable(e));
    const workers = Object.keys(byWorker).sort();
    if (ctx.out.json) {
      ctx.out.value({ revoked: positionals, terminate: options.terminate === true, signal, replies: byWorker }, true);
    } else {
      for (const w of workers) {
        const reply = byWorker[w] as { ok?: string; error?: string } | null;
        ctx.out.line(`${w}: ${reply?.ok ?? (reply?.error ? `error: ${reply.error}` : JSON.stringify(reply))}`);
      }
      if (!workers.length) ctx.out.warn(`no worker confirmed within ${ctx.replyTimeoutMs} ms; workers that start later learn of the revoke only if one of them was told`);
    }
  },
};
