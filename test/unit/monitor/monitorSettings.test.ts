import assert from 'node:assert/strict';
import { DEFAULT_MONITOR_SETTINGS, resolveSettings } from '../../../src/core/monitor/monitorSettings';

describe('(unit) monitor settings', () => {
  it('fills defaults', () => {
    assert.deepEqual(resolveSettings(), DEFAULT_MONITOR_SETTINGS);
    assert.equal(DEFAULT_MONITOR_SETTINGS.inspectIntervalMs, 10_000);
    assert.equal(DEFAULT_MONITOR_SETTINGS.queuePollIntervalMs, 5_000);
    assert.equal(DEFAULT_MONITOR_SETTINGS.maxTasks, 100_000);
    assert.equal(DEFAULT_MONITOR_SETTINGS.backfillLimit, 2_000);
    assert.equal(DEFAULT_MONITOR_SETTINGS.peekAmqpOnBackfill, false);
    assert.equal(DEFAULT_MONITOR_SETTINGS.commandTimeoutMs, 5_000);
  });

  it('takes a command timeout, but not one so short that every call would time out', () => {
    assert.equal(resolveSettings({ commandTimeoutMs: 1500 }).commandTimeoutMs, 1500);
    assert.equal(resolveSettings({ commandTimeoutMs: 10 }).commandTimeoutMs, 5000);
  });

  it('keeps valid values and replaces nonsense with the default', () => {
    const s = resolveSettings({ inspectIntervalMs: 2500.7, queuePollIntervalMs: 0, maxTasks: Number.NaN, backfillLimit: 0, controlTimeoutMs: -5, queuedBackfillPerQueue: 0, peekAmqpOnBackfill: true });
    assert.equal(s.inspectIntervalMs, 2500);
    assert.equal(s.queuePollIntervalMs, 5000, 'polling every 0 ms would hammer the broker');
    assert.equal(s.maxTasks, 100_000);
    assert.equal(s.backfillLimit, 0, '0 disables the backfill');
    assert.equal(s.controlTimeoutMs, 1000);
    assert.equal(s.queuedBackfillPerQueue, 0);
    assert.equal(s.peekAmqpOnBackfill, true);
  });
});
