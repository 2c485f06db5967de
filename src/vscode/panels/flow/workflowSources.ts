/**
 * What the flow panel knows beyond the cluster state: task messages still waiting in Redis queues
 * (their embeds name future chain steps, callbacks and chord bodies) and saved group records from the
 * result backend. Read-only reads (LRANGE, GET), bounded, at most every few seconds, and kept for the
 * panel's life: a message's embed stays true after the worker took the message.
 */
import { isUndecodable } from '../../../core/celery/rawMessage';
import { decodeTaskMessage } from '../../../core/celery/taskMessage';
import type { ClusterMonitor } from '../../../core/monitor/clusterMonitor';
import type { Logger } from '../../../core/util/logger';
import { stateFacts, type MessageFacts, type WorkflowFacts } from '../../../core/workflow/workflowFacts';
import type { WorkflowGraph } from '../../../core/workflow/workflowGraph';

/** Messages read per queue: the waiting steps of a workflow just sent are near the front. */
const PEEK_LIMIT = 500;
const MIN_INTERVAL_MS = 5_000;

export class WorkflowSources {
  private readonly messages = new Map<string, MessageFacts>();
  private readonly groups = new Map<string, readonly string[]>();
  private readonly askedGroups = new Set<string>();
  private lastRead = 0;
  private reading: Promise<boolean> | undefined;

  constructor(private readonly logger: Logger) {}

  facts(monitor: ClusterMonitor): WorkflowFacts {
    return stateFacts(monitor.state, this.messages, this.groups);
  }

  /**
   * Reads the queues of the workflow's waiting tasks and its groups' records; resolves true when
   * something new was learnt (the caller rebuilds). Skipped when the last read is too recent.
   */
  refresh(monitor: ClusterMonitor, graph: WorkflowGraph): Promise<boolean> {
    if (this.reading || Date.now() - this.lastRead < MIN_INTERVAL_MS) return this.reading ?? Promise.resolve(false);
    this.lastRead = Date.now();
    this.reading = this.read(monitor, graph).finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(monitor: ClusterMonitor, graph: WorkflowGraph): Promise<boolean> {
    let learnt = false;
    const broker = monitor.broker;
    const queues = new Set<string>();
    for (const task of graph.tasks) {
      if (task.state !== 'PENDING' && task.state !== 'RECEIVED') continue;
      const record = monitor.state.tasks.get(task.id);
      const queue = record?.queue ?? record?.routingKey;
      if (queue) queues.add(queue);
    }
    // AMQP peeks requeue and flag messages as redelivered: only Redis queues are read (LRANGE).
    if (broker?.kind === 'redis') {
      for (const queue of [...queues].slice(0, 8)) {
        try {
          for (const raw of await broker.peek(queue, PEEK_LIMIT)) {
            if (isUndecodable(raw)) continue;
            const message = decodeTaskMessage(raw, queue);
            if (isUndecodable(message) || this.messages.has(message.id)) continue;
            this.messages.set(message.id, { embed: message.embed, group: message.group, groupIndex: message.groupIndex });
            learnt = true;
          }
        } catch (err) {
          this.logger.debug(`workflow: peeking ${queue} failed: ${(err as Error).message}`);
        }
      }
    }
    const backend = monitor.backend;
    if (backend) {
      for (const group of graph.groups) {
        if (this.askedGroups.has(group.id)) continue;
        this.askedGroups.add(group.id);
        try {
          const meta = await backend.getGroupMeta(group.id);
          if (meta && !isUndecodable(meta)) {
            this.groups.set(group.id, meta.taskIds);
            learnt = true;
          }
        } catch (err) {
          this.logger.debug(`workflow: reading group ${group.id} failed: ${(err as Error).message}`);
        }
      }
    }
    return learnt;
  }
}
