/**
 * What the workflow builder reads, whatever it comes from: the cluster state (events and merged
 * result records), task messages seen in queues (their embeds name future chain steps, callbacks and
 * chord bodies) and saved group records. The extension and the unit tests each provide one.
 */
import type { TaskEmbed } from '../celery/types';
import { workflowTasks } from '../state/selectors';
import type { ClusterState } from '../state/clusterState';

/** The task fields the builder uses; TaskRecord has them all. */
export interface TaskFacts {
  readonly id: string;
  readonly name?: string;
  readonly state: string;
  readonly parentId?: string | null;
  readonly rootId?: string | null;
  readonly groupId?: string | null;
  readonly children?: readonly string[];
  readonly sent?: number;
  readonly received?: number;
  readonly started?: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly revoked?: number;
  readonly runtime?: number;
  readonly worker?: string;
  readonly retries?: number;
}

/** Embeds and group position from a task's message. */
export interface MessageFacts {
  readonly embed: TaskEmbed;
  readonly group?: string | null;
  readonly groupIndex?: number | null;
}

export interface WorkflowFacts {
  task(id: string): TaskFacts | undefined;
  /** Tasks whose root is `rootId` (not the root itself). */
  tasksWithRoot(rootId: string): Iterable<TaskFacts>;
  /** Known members of a group, in any order. */
  tasksInGroup(groupId: string): Iterable<string>;
  message(id: string): MessageFacts | undefined;
}

/**
 * Facts from a cluster state plus the messages and saved groups seen so far. The group index is
 * built on first use (one pass over the tasks), since the state indexes roots but not groups.
 */
export function stateFacts(state: ClusterState, messages: ReadonlyMap<string, MessageFacts> = new Map(), savedGroups: ReadonlyMap<string, readonly string[]> = new Map()): WorkflowFacts {
  let groups: Map<string, string[]> | undefined;
  const groupIndex = () => {
    if (groups) return groups;
    groups = new Map();
    for (const task of state.tasks.values()) {
      const gid = task.groupId;
      if (!gid) continue;
      const members = groups.get(gid);
      if (members) members.push(task.id);
      else groups.set(gid, [task.id]);
    }
    for (const [id, message] of messages) {
      if (!message.group) continue;
      const members = groups.get(message.group) ?? [];
      if (!members.includes(id)) members.push(id);
      groups.set(message.group, members);
    }
    return groups;
  };
  return {
    task: (id) => state.tasks.get(id),
    tasksWithRoot: (rootId) => workflowTasks(state, rootId).filter((t) => t.id !== rootId),
    tasksInGroup: (groupId) => [...(groupIndex().get(groupId) ?? []), ...(savedGroups.get(groupId) ?? [])],
    message: (id) => messages.get(id),
  };
}
