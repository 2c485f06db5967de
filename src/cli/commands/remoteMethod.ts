/** `inspect` and `control`: one pidbox method, replies printed as `{ worker: payload }`. */
import type { CliCommand } from './command';
import { DESTINATION_OPTION, destinationOf } from './command';
import { noRepliesError } from './noReplies';
import { CONTROL_METHODS, INSPECT_METHODS, lookupMethod, type ControlMethod } from '../../core/control/methods';
import { UsageError } from '../args';

function remoteMethodCommand(name: 'inspect' | 'control', table: Record<string, ControlMethod>, summary: string): CliCommand {
  return {
    name,
    usage: `<method> [args...] [--destination W,...]   methods: ${Object.keys(table).join(', ')}`,
    summary,
    options: DESTINATION_OPTION,
    async run(ctx, positionals, options) {
      const [methodName, ...args] = positionals;
      if (!methodName) throw new UsageError(`${name} needs a method: ${Object.keys(table).join(', ')}`);
      let method: ControlMethod;
      let built: Record<string, unknown>;
      try {
        method = lookupMethod(table, methodName, name);
        built = method.build(args);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const destination = destinationOf(options);
      const control = await ctx.control();
      if (!method.replies) {
        await control.cast(methodName, built, destination);
        const target = destination ? destination.join(', ') : 'all workers';
        if (ctx.out.json) ctx.out.value({ sent: methodName, destination: destination ?? null }, true);
        else ctx.out.line(`sent ${methodName} to ${target} (workers do not reply to it)`);
        return;
      }
      const { byWorker, errors } = await control.call(methodName, built, { destination });
      errors.forEach((e) => ctx.out.undecodable(e));
      if (!Object.keys(byWorker).length) throw noRepliesError(ctx.replyTimeoutMs, destination);
      const sorted = Object.fromEntries(Object.entries(byWorker).sort(([a], [b]) => a.localeCompare(b)));
      ctx.out.value(sorted, ctx.out.json);
    },
  };
}

export const inspectCommand = remoteMethodCommand('inspect', INSPECT_METHODS, 'ask workers (JSON keyed by worker name, as celery inspect --json)');
export const controlCommand = remoteMethodCommand('control', CONTROL_METHODS, 'tell workers to change something');
