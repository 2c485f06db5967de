/** Generated workflows for sizes no test run records (the layout tests, the browser tier, the bench). */
import { groupRef, type WorkflowGraph } from '../../../src/core/workflow/workflowGraph';

/** A chord of `n` header tasks after a first task, feeding a body. */
export function syntheticChord(n: number): WorkflowGraph {
  const members = Array.from({ length: n }, (_, i) => `h${i}`);
  return {
    focusId: 'body', rootId: 'first', truncated: false,
    tasks: [
      { id: 'first', name: 'app.first', shortId: 'first', state: 'SUCCESS' },
      ...members.map((id, i) => ({ id, name: 'app.part', shortId: id, state: i % 7 === 0 ? 'FAILURE' : 'SUCCESS', groupId: 'g' })),
      { id: 'body', name: 'app.join', shortId: 'body', state: 'STARTED' },
    ],
    groups: [{ id: 'g', members, chord: true }],
    edges: [{ from: 'first', to: groupRef('g'), kind: 'chain' }, { from: groupRef('g'), to: 'body', kind: 'chord' }],
  };
}
