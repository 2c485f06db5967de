/**
 * What an event type means (task or worker event, its subject, whether Celery sends it), worked
 * out once per type, and how many events of each type were seen.
 */
import { isKnownEventType } from '../celery/events';
import { TaskEventKind, taskEventKind } from './taskEvents';

/** Distinct event types counted (types come off the wire: the table must stay bounded). */
export const MAX_EVENT_TYPES = 256;

export const TASK_GROUP = 0;
export const WORKER_GROUP = 1;
export const OTHER_GROUP = 2;

export interface EventKind {
  type: string;
  /** TASK_GROUP, WORKER_GROUP or OTHER_GROUP. */
  group: number;
  /** The part after the first '-' (`succeeded` of `task-succeeded`). */
  subject: string;
  /** For task events. */
  task: TaskEventKind | undefined;
  known: boolean;
  count: number;
}

export class EventKinds {
  private readonly kinds = new Map<string, EventKind>();
  /** Known kinds by type length: finding one compares a few strings instead of hashing the type. */
  private readonly byLength: EventKind[][] = [];

  /** The kind of `type` (remembered for the first {@link MAX_EVENT_TYPES} types). */
  of(type: string): EventKind {
    const sameLength = this.byLength[type.length];
    if (sameLength !== undefined) {
      for (let i = 0; i < sameLength.length; i++) if (sameLength[i].type === type) return sameLength[i];
    }
    let kind = this.kinds.get(type);
    if (kind !== undefined) return kind;
    const dash = type.indexOf('-');
    const group = dash < 0 ? '' : type.slice(0, dash);
    const subject = type.slice(dash + 1);
    kind = {
      type,
      group: group === 'task' ? TASK_GROUP : group === 'worker' ? WORKER_GROUP : OTHER_GROUP,
      subject,
      task: group === 'task' ? taskEventKind(subject) : undefined,
      known: isKnownEventType(type),
      count: 0,
    };
    if (this.kinds.size < MAX_EVENT_TYPES) {
      this.kinds.set(type, kind);
      if (kind.known) (this.byLength[type.length] ??= []).push(kind);
    }
    return kind;
  }

  /** Events seen per type. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [type, kind] of this.kinds) counts.set(type, kind.count);
    return counts;
  }

  clear(): void {
    this.kinds.clear();
    this.byLength.length = 0;
  }
}
