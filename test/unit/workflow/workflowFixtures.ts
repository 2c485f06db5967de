/**
 * Loads a workflow captured from the real test workers (test/fixtures/workflows/<name>.json, written
 * by capture.ts) into the builder's inputs, decoding every record with the extension's own decoders.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decodeEventMessage } from '../../../src/core/celery/events';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { parseGroupMeta, parseTaskMeta, GROUP_META_PREFIX } from '../../../src/core/backend/taskMeta';
import { ClusterState } from '../../../src/core/state/clusterState';
import { stateFacts, type MessageFacts, type WorkflowFacts } from '../../../src/core/workflow/workflowFacts';

export interface WorkflowFixture {
  scenario: string;
  description: string;
  rootId: string;
  focusId: string;
  groupId?: string;
  events: Array<{ channel: string; localReceived: number; raw: string }>;
  messages: Array<{ queue: string; at: number; raw: string }>;
  backend: Array<{ key: string; value: string }>;
}

const BASE = [resolve(__dirname, '../../../../test/fixtures/workflows'), resolve(__dirname, '../../../test/fixtures/workflows')]
  .find((dir) => existsSync(resolve(dir, 'chain.json'))) as string;

export function loadWorkflowFixture(name: string): WorkflowFixture {
  return JSON.parse(readFileSync(resolve(BASE, `${name}.json`), 'utf8')) as WorkflowFixture;
}

/** Which sources the builder may use: the extension does not always have all three. */
export interface Sources {
  events?: boolean;
  backend?: boolean;
  messages?: boolean;
}

export function loadFacts(fixture: WorkflowFixture, sources: Sources = { events: true, backend: true, messages: true }): { facts: WorkflowFacts; state: ClusterState; now: number } {
  const state = new ClusterState();
  let now = 0;
  if (sources.events) {
    for (const row of fixture.events) {
      const raw = parseRedisEnvelope(row.raw, 'event', row.channel);
      assert.ok(!isUndecodable(raw));
      const decoded = decodeEventMessage(raw, row.channel, row.localReceived, { clock: state.clock, localUtcOffset: 0 });
      assert.deepEqual(decoded.errors, []);
      for (const event of decoded.events) state.apply(event);
      now = Math.max(now, row.localReceived);
    }
  }
  const savedGroups = new Map<string, string[]>();
  if (sources.backend) {
    for (const { key, value } of fixture.backend) {
      if (key.startsWith(GROUP_META_PREFIX)) {
        const group = parseGroupMeta(value, key);
        assert.ok(!isUndecodable(group));
        savedGroups.set(group.groupId, group.taskIds);
      } else {
        const meta = parseTaskMeta(value, key);
        assert.ok(!isUndecodable(meta));
        state.mergeTaskFromResult(meta);
        now = Math.max(now, meta.dateDone ?? 0);
      }
    }
  }
  const messages = new Map<string, MessageFacts>();
  if (sources.messages) {
    for (const row of fixture.messages) {
      const raw = parseRedisEnvelope(row.raw, 'task', row.queue);
      assert.ok(!isUndecodable(raw));
      const message = decodeTaskMessage(raw, row.queue);
      assert.ok(!isUndecodable(message));
      messages.set(message.id, { embed: message.embed, group: message.group, groupIndex: message.groupIndex });
      // A task known only from its message (no events, no result) still has a name.
      if (!sources.events && !sources.backend) state.mergeTaskFromMessage(message);
    }
  }
  return { facts: stateFacts(state, messages, savedGroups), state, now: now + 1 };
}
