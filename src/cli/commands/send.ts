import type { CliCommand } from './command';
import { jsonOption, numberOption, onlyPositional, UsageError } from '../args';
import { encodeTaskMessage } from '../../core/celery/taskEncoder';

export const sendCommand: CliCommand = {
  name: 'send',
  usage: '<task> [--args JSON] [--kwargs JSON] [--queue Q] [--countdown S] [--eta ISO] [--expires S] [--priority N]',
  summary: 'send a task like app.send_task; prints the new task id',
  options: {
    args: { type: 'string' },
    kwargs: { type: 'string' },
    queue: { type: 'string', short: 'Q' },
    countdown: { type: 'string' },
    eta: { type: 'string' },
    expires: { type: 'string' },
    priority: { type: 'string' },
  },
  async run(ctx, positionals, options) {
    const name = onlyPositional(positionals, 'send needs exactly one task name, e.g. proj.tasks.add');
    const args = (jsonOption(options.args, '--args', 'array') as unknown[] | undefined) ?? [];
    const kwargs = (jsonOption(options.kwargs, '--kwargs', 'object') as Record<string, unknown> | undefined) ?? {};
    const countdown = numberOption(options.countdown, '--countdown');
    const expires = numberOption(options.expires, '--expires');
    const priority = numberOption(options.priority, '--priority', { integer: true });
    if (priority !== undefined && priority > 255) throw new UsageError('--priority takes 0..255 (Redis buckets 0-9: lower runs first; RabbitMQ: higher runs first)');
    let eta: Date | undefined;
    if (options.eta !== undefined) {
      eta = new Date(String(options.eta));
      if (Number.isNaN(eta.getTime())) throw new UsageError(`--eta takes an ISO-8601 time, got "${String(options.eta)}"`);
    }
    if (eta && countdown !== undefined) throw new UsageError('use either --countdown or --eta, not both');
    const queue = typeof options.queue === 'string' ? options.queue : 'celery';
    const message = encodeTaskMessage({ name, args, kwargs, queue, countdown, eta, expires, priority });
    const broker = await ctx.broker();
    await broker.publish(message);
    const id = message.headers.id as string;
    if (ctx.out.json) ctx.out.value({ id, task: name, queue }, true);
    else ctx.out.line(id);
  },
};
