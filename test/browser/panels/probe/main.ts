/**
 * A test-only panel that exercises the shared webview infrastructure (vscodeHost, components, state
 * colours) without any panel's own logic: test/browser/panelInfra.test.ts drives it.
 */
import '../../../../webview/components/components.css';
import './probe.css';
import { connectToHost } from '../../../../webview/shared/vscodeHost';
import { createButton } from '../../../../webview/components/button';
import { createToolbar, createStatusText } from '../../../../webview/components/toolbar';
import { stateClass } from '../../../../webview/components/stateColors';

type ToProbe = { type: 'show'; states: string[] };
type FromProbe = { type: 'clicked' } | { type: 'shown'; count: number };
interface ProbeView {
  shown: number;
}

const root = document.getElementById('root') as HTMLElement;
const status = createStatusText();
const host = connectToHost<ToProbe, FromProbe, ProbeView>((message) => {
  if (message.type === 'show') show(message.states);
});
root.append(createToolbar('Probe', [createButton({ label: 'Echo', onClick: () => host.post({ type: 'clicked' }) }), status]));
const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
svg.setAttribute('width', '600');
svg.setAttribute('height', '80');
root.append(svg);
status.textContent = `restored: ${host.viewState()?.shown ?? 'nothing'}`;

function show(states: string[]): void {
  svg.replaceChildren(
    ...states.map((state, i) => {
      const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
      rect.setAttribute('x', String(10 + i * 60));
      rect.setAttribute('y', '10');
      rect.setAttribute('width', '50');
      rect.setAttribute('height', '50');
      rect.setAttribute('class', `probe-node ${stateClass(state)}`);
      rect.dataset.state = state;
      return rect;
    }),
  );
  host.saveViewState({ shown: states.length });
  host.post({ type: 'shown', count: states.length });
}
