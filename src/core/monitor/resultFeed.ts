/**
 * Live result updates into the ClusterState. Celery's Redis backend PUBLISHes every record it
 * writes on a channel named like its key, but pub/sub channels are shared by all databases of a
 * server, so another app's results (or our own app's on another DB) are heard too.
 *
 * Decision: a record for a task we already know is merged at once (a task id is a uuid: it is
 * ours). A record for an unknown task is merged only if its key exists in OUR backend DB, checked
 * with a GET (which also returns the stored record); otherwise it is counted as foreign and
 * dropped. Checks are bounded: beyond {@link MAX_PENDING_CHECKS} in flight, records for unknown
 * tasks are dropped (and counted), so a flood from a foreign app cannot pile up requests.
 */
import type { RedisResultBackend } from '../backend/redisResultBackend';
import { TASK_META_PREFIX, type TaskMeta } from '../backend/taskMeta';
import { isUndecodable, type Undecodable } from '../celery/rawMessage';
import type { ClusterState } from '../state/index';
import { safeReason } from './faults';
import type { HealthRecorder } from './healthRecorder';

export const MAX_PENDING_CHECKS = 256;

export class ResultFeed {
  private pending = 0;
  private closed = false;

  constructor(
    private readonly backend: RedisResultBackend,
    private readonly state: ClusterState,
    private readonly health: HealthRecorder,
    private readonly changed: () => void,
  ) {}

  /** The handler for RedisResultBackend.subscribeResults; never throws. */
  readonly onMeta = (meta: TaskMeta | Undecodable): void => {
    try {
      const id = isUndecodable(meta) ? idFromKey(meta.where) : meta.taskId;
      if (id !== undefined && this.state.tasks.has(id)) this.merge(meta);
      else if (id !== undefined) this.checkOurs(id);
      else if (isUndecodable(meta)) this.health.health.foreignResultsIgnored++;
    } catch (err) {
      this.health.problem('results', `could not merge a result: ${(err as Error)?.message ?? String(err)}`, 'error');
    }
  };

  /** Stop merging (the session is closing); checks in flight are dropped when they return. */
  close(): void {
    this.closed = true;
  }

  private merge(meta: TaskMeta | Undecodable): void {
    this.health.health.resultsReceived++;
    if (isUndecodable(meta)) {
      this.health.undecodable(meta);
      return;
    }
    this.state.mergeTaskFromResult(meta);
    this.changed();
  }

  private checkOurs(id: string): void {
    if (this.pending >= MAX_PENDING_CHECKS) {
      this.health.health.foreignResultsIgnored++;
      return;
    }
    this.pending++;
    this.backend.getTaskMeta(id).then(
      (stored) => {
        this.pending--;
        if (this.closed) return;
        if (stored === undefined) this.health.health.foreignResultsIgnored++;
        else this.merge(stored);
      },
      (err: unknown) => {
        this.pending--;
        if (!this.closed) this.health.problem('result backend', `reading result ${id} failed: ${safeReason(err, [this.backend.url])}`);
      },
    );
  }
}

function idFromKey(key: string): string | undefined {
  return key.startsWith(TASK_META_PREFIX) && key.length > TASK_META_PREFIX.length ? key.slice(TASK_META_PREFIX.length) : undefined;
}
