/**
 * Task state → theme colour. Colours come only from VS Code's theme variables (the testing and charts
 * palettes), so light, dark and high-contrast themes each pick their own readable values. SVG uses
 * the `state-<name>` classes of components.css; canvas code resolves the variable with
 * {@link resolveStateColor}.
 */

const STATE_COLOR_VARS: ReadonlyMap<string, string> = new Map([
  ['SUCCESS', '--vscode-testing-iconPassed'],
  ['FAILURE', '--vscode-testing-iconFailed'],
  ['STARTED', '--vscode-charts-blue'],
  ['RECEIVED', '--vscode-charts-yellow'],
  ['RETRY', '--vscode-charts-orange'],
  ['REVOKED', '--vscode-charts-purple'],
  ['REJECTED', '--vscode-charts-purple'],
  ['PENDING', '--vscode-disabledForeground'],
]);

/** Custom states (e.g. PROGRESS) are shown like a running task. */
const CUSTOM_STATE_VAR = '--vscode-charts-blue';

/** The theme variable a state is drawn with. */
export function stateColorVar(state: string): string {
  return STATE_COLOR_VARS.get(state) ?? CUSTOM_STATE_VAR;
}

/** The CSS class (components.css) that colours an element by state through `--state-color`. */
export function stateClass(state: string): string {
  return STATE_COLOR_VARS.has(state) ? `state-${state.toLowerCase()}` : 'state-custom';
}

/** The current theme's value of a variable, for canvas drawing (re-read after a theme change). */
export function resolveCssVar(name: string, element: Element = document.body): string {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

export function resolveStateColor(state: string): string {
  return resolveCssVar(stateColorVar(state));
}
