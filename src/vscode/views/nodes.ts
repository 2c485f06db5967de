/**
 * Every row in the Celery views is one of these nodes (a discriminated union on `kind`). Nodes are
 * plain data — a connection id and a key — so they stay valid across refreshes; the providers look
 * the current state up when VS Code asks for the TreeItem.
 */
import type { TaskMessage } from '../../core/celery/types';
import type { RawMessage, Undecodable } from '../../core/celery/rawMessage';
import type { UnackedEntry } from '../../core/broker/broker';

export type CeleryNode =
  | { kind: 'connection'; connectionId: string }
  | { kind: 'worker'; connectionId: string; hostname: string }
  | { kind: 'workerGroup'; connectionId: string; hostname: string; group: 'running' | 'queues' | 'registered' }
  | { kind: 'text'; connectionId: string; key: string; label: string; description?: string; tooltip?: string; icon?: string }
  | { kind: 'queue'; connectionId: string; name: string }
  | { kind: 'message'; connectionId: string; queue: string; index: number; message: TaskMessage | Undecodable; raw?: RawMessage }
  | { kind: 'peekMore'; connectionId: string; queue: string; shown: number; total: number }
  | { kind: 'unackedGroup'; connectionId: string }
  | { kind: 'unacked'; connectionId: string; entry: UnackedEntry }
  | { kind: 'stateGroup'; connectionId: string; state: string }
  | { kind: 'task'; connectionId: string; taskId: string; parentKey: string }
  | { kind: 'showMore'; connectionId: string; state: string; shown: number; total: number };

/** A stable TreeItem id, so selection and expansion survive refreshes. */
export function nodeId(node: CeleryNode): string {
  switch (node.kind) {
    case 'connection': return `c/${node.connectionId}`;
    case 'worker': return `c/${node.connectionId}/w/${node.hostname}`;
    case 'workerGroup': return `c/${node.connectionId}/w/${node.hostname}/${node.group}`;
    case 'text': return `c/${node.connectionId}/t/${node.key}`;
    case 'queue': return `c/${node.connectionId}/q/${node.name}`;
    case 'message': return `c/${node.connectionId}/q/${node.queue}/m/${node.index}`;
    case 'peekMore': return `c/${node.connectionId}/q/${node.queue}/more`;
    case 'unackedGroup': return `c/${node.connectionId}/unacked`;
    case 'unacked': return `c/${node.connectionId}/unacked/${node.entry.deliveryTag}`;
    case 'stateGroup': return `c/${node.connectionId}/s/${node.state}`;
    case 'task': return `c/${node.connectionId}/${node.parentKey}/task/${node.taskId}`;
    case 'showMore': return `c/${node.connectionId}/s/${node.state}/more`;
  }
}
