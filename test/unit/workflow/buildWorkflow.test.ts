/** Graph building from workflows recorded on the real test workers (test/fixtures/workflows). */
import assert from 'node:assert/strict';
import { buildWorkflow } from '../../../src/core/workflow/buildWorkflow';
import { ClusterState } from '../../../src/core/state/clusterState';
import { stateFacts } from '../../../src/core/workflow/workflowFacts';
import { groupRef, type WorkflowGraph } from '../../../src/core/workflow/workflowGraph';
import { isUndecodable, parseRedisEnvelope } from '../../../src/core/celery/rawMessage';
import { decodeTaskMessage } from '../../../src/core/celery/taskMessage';
import { loadFacts, loadWorkflowFixture, type Sources } from './workflowFixtures';

function build(name: string, focus?: (f: ReturnType<typeof loadWorkflowFixture>) => string, sources?: Sources): WorkflowGraph {
  const fixture = loadWorkflowFixture(name);
  const { facts, now } = loadFacts(fixture, sources);
  const graph = buildWorkflow(facts, focus ? focus(fixture) : fixture.focusId, { now });
  assert.ok(graph, `${name}: no graph`);
  return graph;
}

const edgeList = (g: WorkflowGraph) => g.edges.map((e) => `${e.from} -> ${e.to} ${e.kind}`).sort();
const task = (g: WorkflowGraph, id: string) => g.tasks.find((t) => t.id === id) ?? assert.fail(`no task ${id}`);
const critical = (g: WorkflowGraph) => g.tasks.filter((t) => t.critical).map((t) => t.id).sort();

describe('(unit) buildWorkflow from recorded workflows', () => {
  it('chain: three steps linked in chain order, all on the critical path', () => {
    const g = build('chain');
    assert.equal(g.tasks.length, 3);
    const [first] = g.tasks.filter((t) => t.id === g.rootId);
    const second = g.edges.find((e) => e.from === first.id)?.to as string;
    const third = g.edges.find((e) => e.from === second)?.to as string;
    assert.equal(third, g.focusId);
    assert.deepEqual(edgeList(g), [`${first.id} -> ${second} chain`, `${second} -> ${third} chain`].sort());
    assert.deepEqual(critical(g), [first.id, second, third].sort());
    assert.ok(g.edges.every((e) => e.critical));
    assert.ok(g.totalS !== undefined && g.totalS > 0);
    for (const t of g.tasks) {
      assert.equal(t.state, 'SUCCESS');
      assert.equal(t.name, 'lens_testapp.tasks.add');
      assert.ok(t.durationS !== undefined && t.durationS >= 0);
      assert.equal(t.shortId, t.id.slice(0, 8));
    }
  });

  it('chain from events alone: the same shape, edges known only as parent links', () => {
    const g = build('chain', undefined, { events: true });
    assert.equal(g.tasks.length, 3);
    assert.ok(g.edges.every((e) => e.kind === 'parent'));
    assert.equal(g.edges.length, 2);
  });

  it('group: every member in one box in group order, whichever member is focused', () => {
    const fixture = loadWorkflowFixture('group');
    for (const focus of ['first', 'last'] as const) {
      const g = build('group', (f) => (focus === 'first' ? f.focusId : (loadFacts(f).facts.tasksInGroup(f.groupId as string) as string[]).at(-1) as string));
      assert.equal(g.tasks.length, 4);
      assert.equal(g.groups.length, 1);
      assert.equal(g.groups[0].id, fixture.groupId);
      assert.equal(g.groups[0].members.length, 4);
      assert.equal(g.groups[0].chord, false);
      assert.deepEqual(g.edges, []);
    }
  });

  it('group from events alone: each member is its own root, so only the focused task is known', () => {
    const g = build('group', undefined, { events: true });
    assert.deepEqual(g.tasks.map((t) => t.id), [loadWorkflowFixture('group').focusId]);
  });

  it('chord: the header tasks as a group feeding the body, with one edge', () => {
    const g = build('chord');
    assert.equal(g.tasks.length, 6);
    assert.equal(g.groups.length, 1);
    const [header] = g.groups;
    assert.equal(header.members.length, 5);
    assert.equal(header.chord, true);
    assert.deepEqual(edgeList(g), [`${groupRef(header.id)} -> ${g.focusId} chord`]);
    assert.equal(task(g, g.focusId).name, 'lens_testapp.tasks.echo');
    assert.ok(task(g, g.focusId).critical);
    assert.ok(header.critical);
    assert.equal(g.tasks.filter((t) => t.critical && t.groupId === header.id).length, 1, 'one header task on the critical path');
  });

  it('chord without messages (events and results): the group still feeds its body', () => {
    const g = build('chord', undefined, { events: true, backend: true });
    assert.equal(g.tasks.length, 6);
    assert.equal(g.groups[0].chord, true);
    assert.deepEqual(g.edges.map((e) => [e.from, e.to]), [[groupRef(g.groups[0].id), g.focusId]]);
  });

  it('chord opened from a header task finds the whole workflow', () => {
    const g = build('chord', (f) => f.rootId);
    assert.equal(g.tasks.length, 6);
  });

  it('nested canvas: link callback, a chain inside a chord header, the chord body', () => {
    const g = build('nested');
    assert.equal(g.tasks.length, 6);
    const root = g.rootId;
    const [group] = g.groups;
    assert.equal(group.members.length, 2);
    assert.equal(group.chord, true);
    const linked = g.edges.find((e) => e.from === root && e.kind === 'link');
    assert.ok(linked, 'the link callback');
    assert.equal(task(g, linked.to).name, 'lens_testapp.tasks.echo');
    const innerChain = g.tasks.find((t) => !t.groupId && g.edges.some((e) => e.from === t.id && e.to === groupRef(group.id) && e.kind === 'chain'));
    assert.ok(innerChain, 'add(20) chained into the header member add(30)');
    assert.ok(g.edges.some((e) => e.from === groupRef(group.id) && e.to === g.focusId && e.kind === 'chord'));
    assert.ok(!g.edges.some((e) => e.to === g.focusId && e.kind === 'parent'), 'the body hangs off the group, not its parent task');
    assert.ok(task(g, g.focusId).critical && task(g, root).critical);
    assert.ok(!task(g, linked.to).critical);
  });

  it('retries: one node with its retry count, link and link_error callbacks, spawned children', () => {
    const g = build('retries');
    const flaky = task(g, g.focusId);
    assert.equal(flaky.name, 'lens_testapp.tasks.flaky');
    assert.equal(flaky.state, 'FAILURE');
    assert.equal(flaky.retries, 2);
    assert.ok(g.edges.some((e) => e.from === g.rootId && e.to === flaky.id && e.kind === 'chain'));
    const spawner = g.tasks.find((t) => t.name === 'lens_testapp.tasks.spawner') ?? assert.fail('spawner');
    assert.ok(g.edges.some((e) => e.from === g.rootId && e.to === spawner.id && e.kind === 'link'));
    assert.equal(g.edges.filter((e) => e.from === spawner.id && e.kind === 'parent').length, 2);
    // echo as link_error ran inline in the worker (it accepts the request): declared, never sent.
    const errbacks = g.edges.filter((e) => e.kind === 'linkError');
    assert.ok(errbacks.some((e) => e.from === flaky.id));
    for (const e of errbacks) assert.equal(task(g, e.to).placeholder, true);
    assert.deepEqual(critical(g), [g.rootId, flaky.id].sort());
    assert.ok((g.totalS as number) > 1, 'two retries a second apart');
  });

  it('a chain just sent: the steps not sent yet are placeholders from the first message', () => {
    const fixture = loadWorkflowFixture('chain');
    const raw = parseRedisEnvelope(fixture.messages[0].raw, 'task', 'celery');
    const message = isUndecodable(raw) ? assert.fail('envelope') : decodeTaskMessage(raw, 'celery');
    if (isUndecodable(message)) assert.fail('message');
    const state = new ClusterState();
    state.mergeTaskFromMessage(message);
    const g = buildWorkflow(stateFacts(state, new Map([[message.id, { embed: message.embed, group: message.group }]])), message.id, { now: 0 }) ?? assert.fail('graph');
    assert.equal(g.tasks.length, 3);
    assert.deepEqual(g.tasks.filter((t) => t.placeholder).map((t) => t.name), ['lens_testapp.tasks.add', 'lens_testapp.tasks.add']);
    assert.deepEqual(g.edges.map((e) => e.kind), ['chain', 'chain']);
    assert.equal(g.edges[0].from, message.id);
    assert.equal(g.edges[1].from, g.edges[0].to);
  });

  it('an unknown task has no graph; garbage embeds are ignored', () => {
    const state = new ClusterState();
    assert.equal(buildWorkflow(stateFacts(state), 'nope', { now: 0 }), undefined);
    state.mergeTaskFromResult({ task_id: 'a', status: 'SUCCESS', children: [] });
    const messages = new Map([['a', { embed: { chain: [1, null, { task: 5 }, { task: 'x', options: 'bad' }], callbacks: 'x' as never, errbacks: [{}], chord: [] }, group: null }]]);
    const g = buildWorkflow(stateFacts(state, messages as never), 'a', { now: 0 });
    assert.equal(g?.tasks.length, 1);
  });

  it('stops at the size limit and says so', () => {
    const state = new ClusterState();
    for (let i = 0; i < 50; i++) state.mergeTaskFromResult({ task_id: `m${i}`, status: 'SUCCESS', group_id: 'g', children: [] });
    const g = buildWorkflow(stateFacts(state), 'm0', { now: 0, maxTasks: 10 });
    assert.equal(g?.tasks.length, 10);
    assert.equal(g?.truncated, true);
  });
});
