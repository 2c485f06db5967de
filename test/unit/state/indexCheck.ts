/**
 * Walks every index of a ClusterState and checks it against the tasks themselves: each task is
 * in exactly the lists its fields say, lists are well linked, sizes add up, each list is in its
 * documented order, and nothing evicted lingers. Throws (assert) on the first difference.
 */
import assert from 'node:assert/strict';
import type { ClusterState } from '../../../src/core/state/clusterState';
import { NONE, SlotLists } from '../../../src/core/state/slotLists';
import { rootKey } from '../../../src/core/state/taskIndex';
import type { TaskRecord } from '../../../src/core/state/taskRecord';

/** Every key of `lists` with the slots in its list, head to tail, checking the links. */
function walkAll(lists: SlotLists, label: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const key of lists.keyList()) {
    const bucket = lists.find(key);
    const slots: number[] = [];
    let previous = NONE;
    for (let slot = lists.head[bucket]; slot !== NONE; slot = lists.next(slot)) {
      assert.equal(lists.prev(slot), previous, `${label} ${key}: prev link of slot ${slot}`);
      assert.equal(lists.bucketOf(slot), bucket, `${label} ${key}: bucket of slot ${slot}`);
      slots.push(slot);
      previous = slot;
      assert.ok(slots.length <= lists.size[bucket], `${label} ${key}: longer than its size (a cycle?)`);
    }
    assert.equal(lists.tail[bucket], previous, `${label} ${key}: tail`);
    assert.equal(slots.length, lists.size[bucket], `${label} ${key}: size`);
    out.set(key, slots);
  }
  return out;
}

function checkOrder(slots: number[], seq: (slot: number) => number, label: string): void {
  for (let i = 1; i < slots.length; i++) assert.ok(seq(slots[i - 1]) > seq(slots[i]), `${label}: not newest first at ${i}`);
}

function expectMembership(
  lists: SlotLists, label: string, tasks: TaskRecord[], keyOfTask: (t: TaskRecord) => string | undefined,
): Map<string, number[]> {
  const walked = walkAll(lists, label);
  const expected = new Map<string, number[]>();
  for (const task of tasks) {
    const key = keyOfTask(task);
    if (key === undefined) {
      assert.equal(lists.bucketOf(task.slot), NONE, `${label}: ${task.id} should be in no list`);
      continue;
    }
    const list = expected.get(key) ?? [];
    list.push(task.slot);
    expected.set(key, list);
  }
  for (const [key, slots] of walked) {
    assert.deepEqual([...slots].sort((a, b) => a - b), [...(expected.get(key) ?? [])].sort((a, b) => a - b), `${label} ${key}: members`);
  }
  for (const key of expected.keys()) assert.ok(walked.has(key), `${label}: no list for ${key}`);
  return walked;
}

/** Check every index of `state`; returns the number of tasks checked. */
export function checkIndexes(state: ClusterState): number {
  const index = state.index;
  const tasks = [...state.tasks.values()];
  assert.equal(index.size, tasks.length, 'index size');
  const slots = new Set<number>();
  for (const task of tasks) {
    assert.ok(task.slot >= 0, `${task.id} has no slot`);
    assert.equal(index.records[task.slot], task, `${task.id}: record at its slot`);
    assert.ok(!slots.has(task.slot), `${task.id}: slot shared`);
    slots.add(task.slot);
  }
  index.records.forEach((record, slot) => {
    if (record) assert.equal(state.tasks.get(record.id), record, `slot ${slot} holds a task the state does not have`);
  });
  const all = expectMembership(index.all, 'all', tasks, () => '');
  checkOrder(all.get('') ?? [], (slot) => index.createdSeq(slot), 'all');
  for (const [key, list] of expectMembership(index.byState, 'state', tasks, (t) => t.state)) checkOrder(list, (slot) => index.stateSeq(slot), `state ${key}`);
  expectMembership(index.byName, 'name', tasks, (t) => t.name);
  expectMembership(index.byWorker, 'worker', tasks, (t) => t.worker);
  expectMembership(index.byRoot, 'root', tasks, rootKey);
  return tasks.length;
}
