import assert from 'node:assert/strict';
import type { CeleryEvent } from '../../../src/core/celery/types';
import { describeSilence, findSilentWorkers, HeartbeatSilenceWatch } from '../../../src/core/monitor/heartbeatSilence';
import { HealthRecorder } from '../../../src/core/monitor/healthRecorder';
import { RateLimitedLog, type LogEntry } from '../../../src/core/monitor/rateLimitedLog';
import { ClusterState } from '../../../src/core/state/index';
import { FakeTimers } from './fakeTimers';

const t0 = 1_700_000_000;

function workerEvent(hostname: string, at: number, type = 'worker-heartbeat', freq = 2): CeleryEvent {
  return { type, hostname, timestamp: at, clock: 1, utcoffset: 0, pid: 42, local_received: at, freq, active: 0, processed: 1 };
}

function taskEvent(hostname: string, at: number): CeleryEvent {
  return { type: 'task-started', uuid: `t-${at}`, hostname, timestamp: at, clock: 2, utcoffset: 0, pid: 42, local_received: at };
}

describe('(unit) workers that answer remote control while their events do not reach us', () => {
  it('silent: no event for more than twice its heartbeat interval; task events and worker-offline count as events', () => {
    const state = new ClusterState({ now: () => t0 });
    state.apply(workerEvent('hb@h', t0));
    state.apply(workerEvent('slow@h', t0, 'worker-heartbeat', 30));
    state.apply(workerEvent('bye@h', t0, 'worker-offline'));
    state.apply(taskEvent('tasks@h', t0 + 3));
    const answered = ['hb@h', 'slow@h', 'bye@h', 'tasks@h'];
    assert.deepEqual(findSilentWorkers(state, answered, t0 + 4, t0 - 100), []);
    const at5 = findSilentWorkers(state, answered, t0 + 4.5, t0 - 100);
    // bye@h's worker-offline carried freq 2 as well; tasks@h's task event set no freq (Celery assumes 60).
    assert.deepEqual(at5.map((w) => [w.hostname, w.limitS, w.heard]), [['bye@h', 4, true], ['hb@h', 4, true]]);
    assert.deepEqual(findSilentWorkers(state, answered, t0 + 61, t0 - 100).map((w) => w.hostname), ['bye@h', 'hb@h', 'slow@h']);
    assert.deepEqual(findSilentWorkers(state, answered, t0 + 124, t0 - 100).map((w) => w.hostname), ['bye@h', 'hb@h', 'slow@h', 'tasks@h']);
  });

  it('only workers that answered; a worker never heard from is held to Celery 5\'s 2 s heartbeat, counted from when we listen', () => {
    const state = new ClusterState({ now: () => t0 });
    state.mergeWorkerStats('quiet@h', { pid: 7 });
    state.apply(workerEvent('hb@h', t0 - 100));
    assert.deepEqual(findSilentWorkers(state, [], t0 + 100, t0), [], 'nobody answered');
    assert.deepEqual(findSilentWorkers(state, ['quiet@h', 'hb@h'], t0 + 4, t0), [], 'we listen for only 4 s');
    const silent = findSilentWorkers(state, ['quiet@h', 'hb@h', 'unknown@h'], t0 + 5, t0);
    assert.deepEqual(silent.map((w) => [w.hostname, w.limitS, w.silentS, w.heard]), [['hb@h', 4, 5, true], ['quiet@h', 4, 5, false], ['unknown@h', 4, 5, false]]);
  });

  it('the message names the workers, the silence and the likely causes, and never blames -E', () => {
    const message = describeSilence([{ hostname: 'w1@h', silentS: 12.3, limitS: 4, heard: true }], 'redis');
    assert.match(message, /^worker w1@h answers remote control, but none of its events reached us for 12 s \(more than 4 s, twice the heartbeat interval\) while our event subscription answers PING/);
    assert.match(message, /--without-heartbeat/);
    assert.match(message, /-E and task_send_sent_event only add task events, they are not the cause/);
    assert.match(message, /broker_write_url .*another Redis database or server, or another event_exchange than celeryev/);
    const many = Array.from({ length: 7 }, (_, i) => ({ hostname: `w${i}@h`, silentS: 5, limitS: 4, heard: false }));
    const amqp = describeSilence(many, 'amqp');
    assert.match(amqp, /^workers w0@h, w1@h, w2@h, w3@h, w4@h and 2 more answer remote control, but none of their events/);
    assert.match(amqp, /another RabbitMQ virtual host/);
  });

  describe('HeartbeatSilenceWatch', () => {
    function setup(): { state: ClusterState; recorder: HealthRecorder; watch: HeartbeatSilenceWatch; lines: LogEntry[]; infos: string[] } {
      const lines: LogEntry[] = [];
      const infos: string[] = [];
      const recorder = new HealthRecorder(new RateLimitedLog((e) => lines.push(e), { timers: new FakeTimers() }));
      const state = new ClusterState({ now: () => t0 });
      return { state, recorder, watch: new HeartbeatSilenceWatch(recorder, (m) => infos.push(m)), lines, infos };
    }
    const silent = (hostname: string, silentS = 10) => ({ hostname, silentS, limitS: 4, heard: true });

    it('sets the notice, logs each worker once per stretch of silence, counts it, and does not repeat every round', () => {
      const { recorder, watch, lines } = setup();
      assert.equal(watch.update([silent('a@h')], 'redis', t0 * 1000), true);
      assert.deepEqual(recorder.health.heartbeatSilence?.workers, ['a@h']);
      assert.equal(recorder.health.heartbeatSilence?.since, t0 * 1000);
      assert.equal(recorder.health.heartbeatSilences, 1);
      assert.equal(lines.length, 1);
      assert.match(lines[0].message, /^events: worker a@h answers remote control/);
      for (let round = 1; round <= 20; round++) watch.update([silent('a@h', 10 + round * 10)], 'redis', (t0 + round * 10) * 1000);
      assert.equal(lines.length, 1, 'not logged again while it lasts');
      assert.equal(recorder.health.heartbeatSilences, 1);
      assert.match(recorder.health.heartbeatSilence?.message ?? '', /for 210 s/, 'the notice shows the silence so far');
      assert.equal(recorder.health.heartbeatSilence?.since, t0 * 1000);
      assert.equal(watch.update([silent('a@h'), silent('b@h')], 'redis', (t0 + 300) * 1000), true);
      assert.equal(lines.length, 2);
      assert.match(lines[1].message, /^events: worker b@h answers/, 'only the newly silent worker');
      assert.equal(recorder.health.heartbeatSilences, 2);
    });

    it('clears (with one info line) when a round finds none, and a later silence is a new stretch', () => {
      const { recorder, watch, lines, infos } = setup();
      watch.update([silent('a@h')], 'redis', t0 * 1000);
      assert.equal(watch.update([], 'redis', (t0 + 10) * 1000), true);
      assert.equal(recorder.health.heartbeatSilence, undefined);
      assert.deepEqual(infos, ['events from a@h reach us again (or they stopped answering remote control)']);
      assert.equal(watch.update([], 'redis', (t0 + 20) * 1000), false);
      assert.equal(infos.length, 1);
      watch.update([silent('a@h')], 'redis', (t0 + 30) * 1000);
      assert.equal(lines.length, 2);
      assert.equal(recorder.health.heartbeatSilences, 2);
    });

    it('refresh() drops a worker as soon as an event from it arrives, before the next round', () => {
      const { state, recorder, watch, infos } = setup();
      state.apply(workerEvent('a@h', t0 - 10));
      state.apply(workerEvent('b@h', t0 - 10));
      watch.update([silent('a@h'), silent('b@h')], 'redis', t0 * 1000);
      assert.equal(watch.refresh(state), false, 'nothing new');
      state.apply(workerEvent('a@h', t0 + 1));
      assert.equal(watch.refresh(state), true);
      assert.deepEqual(recorder.health.heartbeatSilence?.workers, ['b@h']);
      state.apply(taskEvent('b@h', t0 + 2));
      assert.equal(watch.refresh(state), true);
      assert.equal(recorder.health.heartbeatSilence, undefined);
      assert.deepEqual(infos, ['events from b@h reach us again (or they stopped answering remote control)']);
    });
  });
});
