/**
 * The flow diagram bundle (dist/webview/flow.js) in Chromium, fed workflows recorded on the real test
 * workers (built into graphs by the same core code the extension uses).
 */
import * as assert from 'node:assert/strict';
import { buildWorkflow } from '../../src/core/workflow/buildWorkflow';
import type { WorkflowGraph } from '../../src/core/workflow/workflowGraph';
import type { FromFlow, ToFlow } from '../../src/shared/flowMessages';
import { loadFacts, loadWorkflowFixture } from '../unit/workflow/workflowFixtures';
import { syntheticChord } from '../unit/workflow/syntheticWorkflows';
import { PanelPage, type Theme } from './support/panelPage';

function recorded(name: string): WorkflowGraph {
  const fixture = loadWorkflowFixture(name);
  const { facts, now } = loadFacts(fixture);
  return buildWorkflow(facts, fixture.focusId, { now }) ?? assert.fail(name);
}

type Rendered = Extract<FromFlow, { type: 'rendered' }>;

describe('(browser) flow diagram', () => {
  const opened: PanelPage[] = [];
  const show = async (graph: WorkflowGraph, theme: Theme = 'dark') => {
    const panel = await PanelPage.open({ bundle: 'flow', theme, viewport: { width: 1100, height: 650 } });
    opened.push(panel);
    await panel.waitForMessage('ready');
    await panel.send({ type: 'panelRestore', restore: { connectionId: 'c', taskId: graph.focusId } } as never);
    await panel.send({ type: 'graph', graph, connectionName: 'test' } satisfies ToFlow);
    const rendered = await panel.waitForMessage<Rendered>('rendered');
    return { panel, rendered };
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((p) => p.close()));
  });

  /** Each node's state and its rect's computed stroke, next to the theme variable's value. */
  const nodeColours = (panel: PanelPage) => panel.page.$$eval('.flow-node', (nodes) => nodes.map((n) => {
    const state = (n as SVGGElement).dataset.state ?? '';
    const stroke = getComputedStyle(n.querySelector('rect') as Element).stroke;
    return { state, stroke, classes: n.getAttribute('class') ?? '' };
  }));

  it('draws a recorded chord: 6 nodes, the header group feeding the body, the critical path', async () => {
    const graph = recorded('chord');
    const { panel, rendered } = await show(graph);
    assert.deepEqual([rendered.nodes, rendered.groups, rendered.edges], [6, 1, 1]);
    assert.equal(await panel.page.locator('.flow-node').count(), 6);
    assert.equal(await panel.page.locator('.flow-group.chord').count(), 1);
    assert.equal(await panel.page.locator('.flow-edge.kind-chord.critical').count(), 1);
    assert.equal(await panel.page.locator('.flow-node.critical').count(), 2, 'the last header task and the body');
    const passed = await panel.themeColour('--vscode-testing-iconPassed');
    for (const node of await nodeColours(panel)) assert.equal(node.stroke, passed, node.classes);
    assert.match(await panel.page.locator('.lens-status').innerText(), /^6 tasks · .* total · critical path 2$/);
    assert.deepEqual(await panel.cspViolations(), []);
    assert.deepEqual(panel.pageErrors, []);
    await panel.screenshot('flow-chord-dark');
  });

  it('colours a failed task, a placeholder and link_error edges by theme variables (light)', async () => {
    const graph = recorded('retries');
    const { panel, rendered } = await show(graph, 'light');
    assert.equal(rendered.nodes, graph.tasks.length);
    const colours = await nodeColours(panel);
    const failed = await panel.themeColour('--vscode-testing-iconFailed');
    const passed = await panel.themeColour('--vscode-testing-iconPassed');
    const pending = await panel.themeColour('--vscode-disabledForeground');
    for (const node of colours) {
      const expected = { FAILURE: failed, SUCCESS: passed, PENDING: pending }[node.state];
      assert.equal(node.stroke, expected, `${node.state}: ${node.classes}`);
    }
    assert.equal(colours.filter((n) => n.classes.includes('placeholder')).length, graph.tasks.filter((t) => t.placeholder).length);
    assert.equal(await panel.page.locator('.flow-edge.kind-linkError').count(), graph.edges.filter((e) => e.kind === 'linkError').length);
    assert.match(await panel.page.locator('.flow-node.state-failure .flow-meta').evaluate((e) => e.textContent ?? ''), /2 retries$/);
    await panel.screenshot('flow-retries-light');
  });

  it('asks the host to open a task on click or Enter, and to reveal it on Alt+click', async () => {
    const graph = recorded('nested');
    const { panel } = await show(graph, 'high-contrast');
    await panel.page.locator(`.flow-node[data-id="${graph.focusId}"]`).click();
    assert.deepEqual(await panel.waitForMessage('openTask'), { type: 'openTask', taskId: graph.focusId });
    await panel.page.locator(`.flow-node[data-id="${graph.rootId}"]`).click({ modifiers: ['Alt'] });
    assert.deepEqual(await panel.waitForMessage('revealTask'), { type: 'revealTask', taskId: graph.rootId });
    await panel.page.locator(`.flow-node[data-id="${graph.rootId}"]`).focus();
    await panel.page.keyboard.press('Enter');
    await panel.page.waitForFunction((id) => (window as unknown as { __lens: { posted: Array<{ type: string; taskId?: string }> } }).__lens.posted.filter((m) => m.type === 'openTask' && m.taskId === id).length === 1, graph.rootId);
    await panel.screenshot('flow-nested-high-contrast');
  });

  it('updates states in place and keeps the zoom; exports SVG and PNG of the whole diagram', async () => {
    const graph = recorded('chain');
    const { panel } = await show(graph);
    const last = graph.tasks.find((t) => t.id === graph.focusId) ?? assert.fail('focus');
    await panel.send({ type: 'tasks', tasks: [{ ...last, state: 'FAILURE' }], criticalEdges: [] } satisfies ToFlow);
    await panel.page.waitForSelector(`.flow-node.state-failure[data-id="${last.id}"]`);
    assert.equal(await panel.page.locator('.flow-edge.critical').count(), 0);
    await panel.page.getByText('Export SVG').click();
    const svg = await panel.waitForMessage<Extract<FromFlow, { type: 'export' }>>('export');
    assert.equal(svg.format, 'svg');
    assert.match(svg.data, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(svg.data.match(/class="flow-node /g)?.length, 3);
    assert.match(svg.data, /stroke="rgb\(/, 'colours resolved into the file');
    await panel.page.evaluate(() => ((window as unknown as { __lens: { posted: unknown[] } }).__lens.posted.length = 0));
    await panel.page.getByText('Export PNG').click();
    const png = await panel.waitForMessage<Extract<FromFlow, { type: 'export' }>>('export');
    assert.equal(png.format, 'png');
    assert.equal(Buffer.from(png.data, 'base64').subarray(1, 4).toString(), 'PNG');
  });

  it('draws a chord of 5,000 header tasks as one grid (counts; speed is in npm run bench)', async () => {
    const { panel, rendered } = await show(syntheticChord(5000));
    assert.deepEqual([rendered.nodes, rendered.groups, rendered.edges], [5002, 1, 2]);
    assert.equal(await panel.page.locator('.flow-node.state-failure').count(), Math.ceil(5000 / 7));
    assert.equal(await panel.page.locator('svg.zoomed-out').count(), 1, 'fitted far out: labels hidden');
    await panel.screenshot('flow-chord-5000');
  });
});
