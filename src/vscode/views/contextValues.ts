/**
 * Every TreeItem.contextValue, built here and nowhere else. Grammar: `celeryLens.<kind>[.<state>][.<flag>]`
 * with Celery's state names in lower case, so package.json menus match them with regexes such as
 * `viewItem =~ /^celeryLens\.task\.(failure|retry)/`. Items a write action applies to (tasks, workers,
 * queues, messages) end in `.writable` or `.readonly` after their connection's mode, so menus offer
 * write actions only on writable connections: `/^celeryLens\.task\.(started|received)\.writable/`.
 */
import type { ConnectionStatus } from '../../core/monitor/monitorTypes';
import type { ConnectionProfile } from '../connections/connectionProfile';

function mode(writable: boolean): string {
  return writable ? '.writable' : '.readonly';
}

export const contextValues = {
  /** `celeryLens.connection.connected.user.readonly` */
  connection(status: ConnectionStatus, profile: ConnectionProfile): string {
    return `celeryLens.connection.${status.kind}.${profile.source}${profile.readOnly ? '.readonly' : '.writable'}`;
  },
  /** `celeryLens.worker.online.writable.local`: `.local` when started from this window (it can be stopped here). */
  worker(online: boolean, writable = false, local = false): string {
    return `celeryLens.worker.${online ? 'online' : 'offline'}${mode(writable)}${local ? '.local' : ''}`;
  },
  workerGroup(group: string): string {
    return `celeryLens.workerGroup.${group}`;
  },
  /** `celeryLens.queue.paused.writable`: `paused` when Celery Lens stopped its consumers. */
  queue(writable = false, paused = false): string {
    return `celeryLens.queue.${paused ? 'paused' : 'active'}${mode(writable)}`;
  },
  /** `celeryLens.message.task.writable.redis`: the broker last, since moving a message is Redis-only. */
  message(decodable: boolean, writable = false, broker?: 'redis' | 'amqp'): string {
    return `celeryLens.message.${decodable ? 'task' : 'undecodable'}${mode(writable)}${broker ? `.${broker}` : ''}`;
  },
  /** An unacked Redis message: `gone` when the worker that holds it is offline (it may be restored). */
  unacked(workerGone: boolean, writable = false): string {
    return `celeryLens.unacked.${workerGone ? 'gone' : 'held'}${mode(writable)}`;
  },
  stateGroup(state: string): string {
    return `celeryLens.stateGroup.${state.toLowerCase()}`;
  },
  task(state: string, writable = false): string {
    return `celeryLens.task.${state.toLowerCase()}${mode(writable)}`;
  },
  /** A failure group in the Errors view. */
  errorGroup(): string {
    return 'celeryLens.errorGroup';
  },
  showMore(): string {
    return 'celeryLens.showMore';
  },
  info(): string {
    return 'celeryLens.info';
  },
} as const;
