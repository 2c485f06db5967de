/** The flow diagram's layered layout (pure; d3 only draws what it computes). */
import assert from 'node:assert/strict';
import { buildWorkflow } from '../../../src/core/workflow/buildWorkflow';
import { DEFAULT_LAYOUT, groupColumns, layoutWorkflow, type Box } from '../../../src/core/workflow/layout';
import type { WorkflowGraph } from '../../../src/core/workflow/workflowGraph';
import { syntheticChord } from './syntheticWorkflows';
import { loadFacts, loadWorkflowFixture } from './workflowFixtures';

function recorded(name: string): WorkflowGraph {
  const fixture = loadWorkflowFixture(name);
  const { facts, now } = loadFacts(fixture);
  return buildWorkflow(facts, fixture.focusId, { now }) ?? assert.fail(name);
}

const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('(unit) layoutWorkflow', () => {
  for (const name of ['chain', 'group', 'chord', 'nested', 'retries']) {
    it(`${name}: every edge runs left to right, no two units overlap, every task placed`, () => {
      const graph = recorded(name);
      const layout = layoutWorkflow(graph);
      assert.equal(layout.tasks.size, graph.tasks.length);
      for (const e of layout.edges) assert.ok(e.x2 > e.x1, `${e.edge.from} -> ${e.edge.to}`);
      const units = [...layout.columns.flat()].map((u) => (u.startsWith('group:') ? layout.groups.get(u.slice(6)) : layout.tasks.get(u)) as Box);
      for (let i = 0; i < units.length; i++) for (let j = i + 1; j < units.length; j++) assert.ok(!overlap(units[i], units[j]), `${i} overlaps ${j}`);
      assert.ok(layout.width > 0 && layout.height > 0);
    });
  }

  it('a chain is one straight row', () => {
    const layout = layoutWorkflow(recorded('chain'));
    assert.equal(layout.columns.length, 3);
    const ys = new Set([...layout.tasks.values()].map((b) => b.y));
    assert.equal(ys.size, 1);
  });

  it('a chord: first task, its header group, the body in three columns; members inside the group box', () => {
    const layout = layoutWorkflow(syntheticChord(5));
    assert.deepEqual(layout.columns, [['first'], ['group:g'], ['body']]);
    const box = layout.groups.get('g') as Box;
    for (let i = 0; i < 5; i++) {
      const m = layout.tasks.get(`h${i}`) as Box;
      assert.ok(m.x >= box.x && m.x + m.w <= box.x + box.w && m.y >= box.y && m.y + m.h <= box.y + box.h, `h${i} inside`);
    }
    assert.equal(layout.edges.length, 2, 'one edge in, one out, whatever the header size');
  });

  it('5,000 header tasks make a near-square grid, members not overlapping', () => {
    const layout = layoutWorkflow(syntheticChord(5000));
    const box = layout.groups.get('g') as Box & { columns: number };
    assert.equal(box.columns, groupColumns(5000));
    assert.ok(box.w / box.h > 0.5 && box.w / box.h < 2, `aspect ${box.w / box.h}`);
    const seen = new Set([...layout.tasks.values()].map((b) => `${b.x},${b.y}`));
    assert.equal(seen.size, 5002);
    assert.equal(layout.edges.length, 2);
  });

  it('siblings centre on their parent; a cycle does not stop the layout', () => {
    const graph: WorkflowGraph = {
      focusId: 'p', rootId: 'p', truncated: false, groups: [],
      tasks: ['p', 'a', 'b', 'c'].map((id) => ({ id, name: id, shortId: id, state: 'SUCCESS' })),
      edges: [{ from: 'p', to: 'a', kind: 'parent' }, { from: 'p', to: 'b', kind: 'parent' }, { from: 'p', to: 'c', kind: 'parent' }, { from: 'c', to: 'p', kind: 'parent' }],
    };
    const layout = layoutWorkflow(graph);
    const mid = (id: string) => { const b = layout.tasks.get(id) as Box; return b.y + b.h / 2; };
    assert.ok(Math.abs(mid('b') - mid('p')) < 1, 'the middle child level with the parent');
    assert.ok(mid('a') < mid('b') && mid('b') < mid('c'));
    assert.equal(DEFAULT_LAYOUT.nodeWidth, (layout.tasks.get('p') as Box).w);
  });
});
