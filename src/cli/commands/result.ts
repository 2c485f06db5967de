import type { CliCommand } from './command';
import { onlyPositional } from '../args';
import { isUndecodable } from '../../core/celery/rawMessage';
import { CeleryLensError } from '../../core/util/errors';

export const resultCommand: CliCommand = {
  name: 'result',
  usage: '<task-id>',
  summary: "the result backend's record of a task, as JSON",
  async run(ctx, positionals) {
    const id = onlyPositional(positionals, 'result needs exactly one task id');
    const backend = await ctx.backend();
    const meta = await backend.getTaskMeta(id);
    if (!meta) {
      // Celery never stores PENDING: a missing key means pending, unknown, or expired.
      ctx.out.value({ taskId: id, status: 'PENDING' }, ctx.out.json);
      if (!ctx.out.json) ctx.out.warn('no result stored: the task is pending, unknown, or its result expired');
      return;
    }
    if (isUndecodable(meta)) {
      ctx.out.undecodable(meta);
      throw new CeleryLensError(`the stored result of ${id} cannot be read: ${meta.reason}`);
    }
    // `kind` and `size` are ours, not the backend's: the record is printed as Celery stored it.
    const { kind: _kind, size: _size, ...record } = meta;
    ctx.out.value(record, ctx.out.json);
  },
};
