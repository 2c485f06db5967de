import assert from 'node:assert/strict';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import type { TaskMessage } from '../../../src/core/celery/types';
import { ClusterState } from '../../../src/core/state/clusterState';
import { buildTrace, rootIdOf } from '../../../src/core/trace/traceModel';
import { describeTraceContext, parseTraceparent } from '../../../src/core/trace/traceparent';
import { type RedisTaskFixture, wireJson } from '../celery/wireFixtures';
import { ev, id, replayedState } from '../state/stateFixtures';

const VALID = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A recorded task message with a traceparent header added, as OpenTelemetry's instrumentation publishes it. */
function messageWithHeaders(extra: Record<string, unknown>): TaskMessage {
  const fixture = wireJson<RedisTaskFixture>('redis/task-messages.json').messages.sent_custom_headers;
  const envelope = JSON.parse(fixture.raw) as { headers: Record<string, unknown> };
  Object.assign(envelope.headers, extra);
  const raw = parseRedisEnvelope(JSON.stringify(envelope), 'task', fixture.key);
  assert.ok(!isUndecodable(raw));
  const message = decodeTaskMessage(raw, fixture.key);
  assert.ok(!isUndecodable(message));
  return message;
}

describe('(unit) trace model: a workflow as a waterfall', () => {
  it('indents a recorded chain by parent id with offsets from the workflow start', () => {
    const state = replayedState();
    const rootId = rootIdOf(state, id('chain_last'));
    assert.equal(rootId, id('chain_first'));
    const trace = buildTrace(state, rootId);
    assert.deepEqual(trace.spans.map((s) => [s.id, s.depth]), [[id('chain_first'), 0], [id('chain_parent'), 1], [id('chain_last'), 2]]);
    assert.equal(trace.spans[0].queued, 0);
    for (const s of trace.spans) {
      assert.ok(s.started! >= s.queued! && s.ended! >= s.started!, JSON.stringify(s));
      assert.equal(s.open, false);
      assert.equal(s.detached, false);
      assert.equal(s.traceContext.status, 'unknown', 'events alone carry no headers');
    }
    // Each step starts after its parent ended (a chain), and the trace lasts until the last ends.
    assert.ok(trace.spans[1].started! >= trace.spans[0].ended!);
    assert.equal(trace.duration, trace.spans[2].ended);
    assert.equal(trace.traceContext.status, 'unknown');
  });

  it('counts a retried task once, with its executions', () => {
    const state = replayedState();
    const trace = buildTrace(state, rootIdOf(state, id('flaky')));
    const flaky = trace.spans.find((s) => s.id === id('flaky'))!;
    assert.equal(flaky.attempts, 3);
    assert.equal(flaky.state, 'FAILURE');
  });

  it('shows children whose parent is unknown at the top level, marked detached, and survives a parent loop', () => {
    const state = new ClusterState({ now: () => 1010 });
    state.apply(ev('task-received', { uuid: 'r', name: 'root', root_id: 'r', timestamp: 1000 }));
    state.apply(ev('task-received', { uuid: 'orphan', name: 'c', root_id: 'r', parent_id: 'gone', timestamp: 1001 }));
    state.apply(ev('task-received', { uuid: 'a', root_id: 'r', parent_id: 'b', timestamp: 1002 }));
    state.apply(ev('task-received', { uuid: 'b', root_id: 'r', parent_id: 'a', timestamp: 1003 }));
    state.apply(ev('task-started', { uuid: 'r', timestamp: 1004 }));
    const trace = buildTrace(state, 'r');
    assert.deepEqual(trace.spans.map((s) => s.id).sort(), ['a', 'b', 'orphan', 'r']);
    assert.equal(trace.spans[0].id, 'r');
    assert.equal(trace.spans.find((s) => s.id === 'orphan')!.detached, true);
    const root = trace.spans[0];
    assert.equal(root.open, true);
    assert.equal(trace.now, 10);
    assert.equal(trace.duration, 10, 'a running task lasts until now');
  });

  it('reads the traceparent from a task message header (a read message without one is "absent")', () => {
    const state = new ClusterState();
    const task = state.mergeTaskFromMessage(messageWithHeaders({ traceparent: VALID, tracestate: 'congo=t61rcWkgMzE' }));
    assert.equal(task.traceparent, VALID);
    const trace = buildTrace(state, rootIdOf(state, task.id));
    assert.equal(trace.traceContext.status, 'valid');
    assert.deepEqual(trace.traceIds, ['0af7651916cd43dd8448eb211c80319c']);

    const plain = new ClusterState();
    const without = plain.mergeTaskFromMessage(messageWithHeaders({}));
    assert.equal(without.traceparent, null);
    assert.equal(buildTrace(plain, rootIdOf(plain, without.id)).traceContext.status, 'absent');
    // A header far too long to be a traceparent is kept cut short, and shown as invalid.
    const huge = new ClusterState().mergeTaskFromMessage(messageWithHeaders({ traceparent: 'x'.repeat(10_000) }));
    assert.equal(huge.traceparent?.length, 256);
    assert.equal(parseTraceparent(huge.traceparent).status, 'invalid');
    const notText = new ClusterState().mergeTaskFromMessage(messageWithHeaders({ traceparent: 42 }));
    assert.equal(parseTraceparent(notText.traceparent).status, 'invalid');
  });
});

describe('(unit) W3C traceparent parsing (untrusted header values)', () => {
  it('accepts the spec example and reads its fields', () => {
    const parsed = parseTraceparent(VALID);
    assert.deepEqual(parsed, {
      status: 'valid', value: VALID, version: '00', traceId: '0af7651916cd43dd8448eb211c80319c', parentId: 'b7ad6b7169203331', flags: '01', sampled: true,
    });
    assert.equal((parseTraceparent(VALID.replace(/01$/, '00')) as { sampled: boolean }).sampled, false);
    // A future version may append fields after the flags.
    assert.equal(parseTraceparent(`cc-${VALID.slice(3)}-what-the-future-will-be-like`).status, 'valid');
  });

  it('rejects malformed values with a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['garbage', /expected/],
      [VALID.toUpperCase(), /lower-case/],
      [`ff-${VALID.slice(3)}`, /ff/],
      [`00-${'0'.repeat(32)}-b7ad6b7169203331-01`, /trace id is all zeros/],
      ['00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01', /parent id is all zeros/],
      ['00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01', /trace id/],
      [`${VALID}-extra`, /exactly four/],
      ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1', /flags/],
    ];
    for (const [value, reason] of cases) {
      const parsed = parseTraceparent(value);
      assert.equal(parsed.status, 'invalid', value);
      assert.match((parsed as { reason: string }).reason, reason, value);
    }
  });

  it('says why it is unknown when no message was read', () => {
    assert.match(describeTraceContext(parseTraceparent(undefined)), /events carry no headers/);
    assert.match(describeTraceContext(parseTraceparent(null)), /no traceparent header/);
  });
});
