/**
 * Every TreeItem.contextValue, built here and nowhere else. Grammar: `celeryLens.<kind>[.<state>][.<flag>]`
 * with Celery's state names in lower case, so package.json menus match them with regexes such as
 * `viewItem =~ /^celeryLens\.task\.(failure|retry)/`.
 */
import type { ConnectionStatus } from '../../core/monitor/monitorTypes';
import type { ConnectionProfile } from '../connections/connectionProfile';

export const contextValues = {
  /** `celeryLens.connection.connected.user.readonly` */
  connection(status: ConnectionStatus, profile: ConnectionProfile): string {
    return `celeryLens.connection.${status.kind}.${profile.source}${profile.readOnly ? '.readonly' : '.writable'}`;
  },
  worker(online: boolean): string {
    return `celeryLens.worker.${online ? 'online' : 'offline'}`;
  },
  workerGroup(group: string): string {
    return `celeryLens.workerGroup.${group}`;
  },
  queue(): string {
    return 'celeryLens.queue';
  },
  message(decodable: boolean): string {
    return `celeryLens.message.${decodable ? 'task' : 'undecodable'}`;
  },
  stateGroup(state: string): string {
    return `celeryLens.stateGroup.${state.toLowerCase()}`;
  },
  task(state: string): string {
    return `celeryLens.task.${state.toLowerCase()}`;
  },
  showMore(): string {
    return 'celeryLens.showMore';
  },
  info(): string {
    return 'celeryLens.info';
  },
} as const;
