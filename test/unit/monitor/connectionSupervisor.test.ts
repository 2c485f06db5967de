import assert from 'node:assert/strict';
import { ConnectionSupervisor } from '../../../src/core/monitor/connectionSupervisor';
import type { ConnectionStatus } from '../../../src/core/monitor/monitorTypes';
import { FakeTimers, flushMicrotasks } from './fakeTimers';

/** A stand-in session: the supervisor only opens, activates and closes it. */
interface FakeSession {
  id: number;
  closed: boolean;
  activated: boolean;
}

/** Scripted outcomes for open(): an Error rejects, 'ok' resolves, a function gives manual control. */
type Outcome = Error | 'ok' | { resolve?: () => void; reject?: (e: Error) => void };

function harness(outcomes: Outcome[]) {
  const timers = new FakeTimers();
  const sessions: FakeSession[] = [];
  const statuses: ConnectionStatus[] = [];
  let opens = 0;
  const supervisor = new ConnectionSupervisor<FakeSession>({
    open: () => {
      opens++;
      const outcome = outcomes.shift() ?? 'ok';
      const session: FakeSession = { id: opens, closed: false, activated: false };
      sessions.push(session);
      if (outcome === 'ok') return Promise.resolve(session);
      if (outcome instanceof Error) return Promise.reject(outcome);
      return new Promise((resolve, reject) => {
        outcome.resolve = () => resolve(session);
        outcome.reject = reject;
      });
    },
    activate: (s) => {
      s.activated = true;
    },
    close: async (s) => {
      s.closed = true;
    },
  }, { timers, random: () => 0 });
  supervisor.onDidChangeStatus((s) => statuses.push(s));
  const kind = (): ConnectionStatus['kind'] => supervisor.status.kind;
  return { timers, sessions, statuses, supervisor, kind, opens: () => opens };
}

const refused = () => new Error('Cannot connect to Redis redis://127.0.0.1:1/0 (broker): connect ECONNREFUSED 127.0.0.1:1');

describe('(unit) ConnectionSupervisor status transitions', () => {
  it('idle → connecting → connected, and activates the session once connected', async () => {
    const h = harness(['ok']);
    assert.deepEqual(h.supervisor.status, { kind: 'idle' });
    await h.supervisor.start();
    assert.deepEqual(h.statuses.map((s) => s.kind), ['connecting', 'connected']);
    assert.deepEqual(h.supervisor.status, { kind: 'connected', since: h.timers.now() });
    assert.equal(h.supervisor.session, h.sessions[0]);
    assert.ok(h.sessions[0].activated);
    await h.supervisor.start();
    assert.equal(h.opens(), 1, 'start() while running does not open again');
  });

  it('a refused connection is retried with 1 s, 2 s, 4 s backoff, then connects and resets the backoff', async () => {
    const h = harness([refused(), refused(), refused(), 'ok']);
    const t0 = h.timers.now();
    await h.supervisor.start();
    assert.deepEqual(h.supervisor.status, {
      kind: 'reconnecting', attempt: 1, retryAt: t0 + 1000,
      reason: 'Cannot connect to Redis redis://127.0.0.1:1/0 (broker): connect ECONNREFUSED 127.0.0.1:1',
    });
    await h.timers.advance(999);
    assert.equal(h.opens(), 1, 'not before the delay');
    await h.timers.advance(1);
    assert.equal(h.opens(), 2);
    assert.deepEqual(h.supervisor.status, { kind: 'reconnecting', attempt: 2, retryAt: t0 + 1000 + 2000, reason: (h.supervisor.status as { reason: string }).reason });
    await h.timers.advance(2000);
    assert.equal((h.supervisor.status as { attempt: number }).attempt, 3);
    assert.deepEqual(h.timers.pendingDelays(), [4000]);
    await h.timers.advance(4000);
    assert.equal(h.kind(), 'connected');
    assert.deepEqual(h.statuses.map((s) => s.kind), ['connecting', 'reconnecting', 'reconnecting', 'reconnecting', 'connected']);
    assert.ok(h.sessions.slice(0, 3).every((s) => !s.activated));

    // A later drop starts again from 1 s.
    h.supervisor.fail(h.sessions[3], new Error('connection lost: socket closed'));
    assert.deepEqual(h.supervisor.status, { kind: 'reconnecting', attempt: 1, retryAt: h.timers.now() + 1000, reason: 'connection lost: socket closed' });
    await flushMicrotasks();
    assert.ok(h.sessions[3].closed, 'the failed session is closed');
    assert.equal(h.supervisor.session, undefined);
    await h.timers.advance(1000);
    assert.equal(h.kind(), 'connected');
    assert.equal(h.supervisor.session, h.sessions[4]);
  });

  it('a wrong password is an error (with the retry still scheduled), not "reconnecting"', async () => {
    const h = harness([new Error('Cannot connect to RabbitMQ amqp://guest:***@127.0.0.1:5672/x: Handshake terminated by server: 403 (ACCESS-REFUSED)'), 'ok']);
    await h.supervisor.start();
    const status = h.supervisor.status;
    assert.equal(status.kind, 'error');
    assert.match((status as { reason: string }).reason, /ACCESS-REFUSED/);
    assert.equal((status as { attempt?: number }).attempt, 1);
    assert.equal((status as { retryAt?: number }).retryAt, h.timers.now() + 1000);
    await h.timers.advance(1000);
    assert.equal(h.kind(), 'connected', 'fixed on the server side: picked up by the retry');
  });

  it('retryNow() skips the wait; fail() for a stale session is ignored', async () => {
    const h = harness([refused(), 'ok']);
    await h.supervisor.start();
    await h.supervisor.retryNow();
    assert.equal(h.kind(), 'connected');
    assert.deepEqual(h.timers.pendingDelays(), [], 'the pending retry timer was cleared');
    h.supervisor.fail(h.sessions[0], new Error('socket closed'));
    assert.equal(h.kind(), 'connected');
  });

  it('stop() while connected closes the session, clears timers, goes idle, and is idempotent', async () => {
    const h = harness(['ok']);
    await h.supervisor.start();
    await h.supervisor.stop();
    assert.ok(h.sessions[0].closed);
    assert.deepEqual(h.supervisor.status, { kind: 'idle' });
    const count = h.statuses.length;
    await h.supervisor.stop();
    assert.equal(h.statuses.length, count, 'a second stop() changes nothing');
  });

  it('stop() while waiting to retry clears the retry timer', async () => {
    const h = harness([refused()]);
    await h.supervisor.start();
    assert.deepEqual(h.timers.pendingDelays(), [1000]);
    await h.supervisor.stop();
    assert.deepEqual(h.timers.pendingDelays(), []);
    await h.timers.advance(60_000);
    assert.equal(h.opens(), 1);
    assert.equal(h.kind(), 'idle');
  });

  it('stop() during an open waits for it and closes the session it yields, which never becomes live', async () => {
    const manual: Outcome = {};
    const h = harness([manual]);
    const started = h.supervisor.start();
    await flushMicrotasks();
    const stopped = h.supervisor.stop();
    (manual as { resolve: () => void }).resolve();
    await Promise.all([started, stopped]);
    assert.ok(h.sessions[0].closed);
    assert.ok(!h.sessions[0].activated);
    assert.equal(h.supervisor.session, undefined);
    assert.deepEqual(h.statuses.map((s) => s.kind), ['connecting', 'idle']);
  });

  it('a failure of an open that stop() made moot schedules no retry', async () => {
    const manual: Outcome = {};
    const h = harness([manual]);
    const started = h.supervisor.start();
    await flushMicrotasks();
    const stopped = h.supervisor.stop();
    (manual as { reject: (e: Error) => void }).reject(refused());
    await Promise.all([started, stopped]);
    assert.deepEqual(h.timers.pendingDelays(), []);
    assert.equal(h.kind(), 'idle');
  });

  it('can be started again after stop()', async () => {
    const h = harness(['ok', 'ok']);
    await h.supervisor.start();
    await h.supervisor.stop();
    await h.supervisor.start();
    assert.equal(h.kind(), 'connected');
    assert.equal(h.supervisor.session, h.sessions[1]);
  });
});
