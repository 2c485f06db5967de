import assert from 'node:assert/strict';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { isWorkerOnline, LivenessTracker } from '../../../src/core/monitor/workerLiveness';
import type { MonitoredWorkerInfo } from '../../../src/core/monitor/monitorTypes';
import { ClusterState } from '../../../src/core/state/index';

function heartbeat(hostname: string, at: number, type = 'worker-heartbeat'): CeleryEvent {
  return { type, hostname, timestamp: at, clock: 1, utcoffset: 0, pid: 42, local_received: at, freq: 2, active: 0, processed: 1 };
}

describe('(unit) worker liveness', () => {
  const t0 = 1_700_000_000;

  it("follows Celery's rule: online until twice the heartbeat interval passed", () => {
    let now = t0;
    const state = new ClusterState({ now: () => now });
    state.apply(heartbeat('w1@h', t0));
    const w = state.workers.get('w1@h')!;
    assert.equal(isWorkerOnline(w, undefined, t0 + 3.9, 25), true);
    assert.equal(isWorkerOnline(w, undefined, t0 + 4.0, 25), false);
    // Inspect answers do not keep an event-sending worker online: its heartbeats decide.
    assert.equal(isWorkerOnline(w, { lastReplyAt: t0 + 4 }, t0 + 5, 25), false);
    state.apply(heartbeat('w1@h', t0 + 10, 'worker-offline'));
    assert.equal(isWorkerOnline(w, undefined, t0 + 10, 25), false);
    now = t0;
  });

  it('a worker without events is online while it answers inspect calls', () => {
    const state = new ClusterState();
    state.mergeWorkerStats('quiet@h', { pid: 7 });
    const w = state.workers.get('quiet@h')!;
    const info: MonitoredWorkerInfo = { lastReplyAt: t0 };
    assert.equal(isWorkerOnline(w, info, t0 + 25, 25), true);
    assert.equal(isWorkerOnline(w, info, t0 + 26, 25), false);
    assert.equal(isWorkerOnline(w, undefined, t0, 25), false, 'never heard at all');
  });

  it('LivenessTracker reports a flip once, without any new event', () => {
    const state = new ClusterState();
    const tracker = new LivenessTracker();
    const info = new Map<string, MonitoredWorkerInfo>();
    state.apply(heartbeat('w1@h', t0));
    state.apply(heartbeat('w2@h', t0 + 3));
    assert.equal(tracker.check(state, info, t0 + 1, 25), true, 'first sight of the workers');
    assert.equal(tracker.check(state, info, t0 + 2, 25), false);
    assert.equal(tracker.check(state, info, t0 + 4.5, 25), true, 'w1 expired at t0+4');
    assert.equal(tracker.check(state, info, t0 + 5, 25), false, 'reported once');
    assert.equal(tracker.check(state, info, t0 + 7.5, 25), true, 'w2 expired at t0+7');
    state.apply(heartbeat('w1@h', t0 + 8));
    assert.equal(tracker.check(state, info, t0 + 8.1, 25), true, 'w1 came back');
  });
});
