/**
 * What a test can see of the VS Code window. In the code-server rig (scripts/vscode/harness.js) the
 * harness serves a screenshot and a DOM query endpoint; in desktop VS Code (runDesktop.ts) there is no
 * such endpoint and these helpers return undefined, so callers can skip their visual checks.
 */

/** True when the tests run under the code-server harness (screenshots and DOM queries available). */
export function hasWorkbenchAccess(): boolean {
  return Boolean(process.env.EXT_TEST_SHOT_URL && process.env.EXT_TEST_DOM_URL);
}

async function ask(base: string | undefined, params: Record<string, string>): Promise<string | undefined> {
  if (!base) return undefined;
  const response = await fetch(`${base}?${new URLSearchParams(params).toString()}`);
  const body = await response.text();
  if (!response.ok) throw new Error(`${base} answered ${response.status}: ${body}`);
  return body;
}

/**
 * Saves a PNG of the whole window, or of the first element matching `selector`, as `<name>.png` in
 * .test-run/vscode/shots/ and returns the file's absolute path (undefined outside the rig).
 */
export async function screenshot(name: string, selector?: string): Promise<string | undefined> {
  return ask(process.env.EXT_TEST_SHOT_URL, selector ? { name, sel: selector } : { name });
}

/** The innerText of every workbench element matching the CSS `selector` (undefined outside the rig). */
export async function workbenchTexts(selector: string): Promise<string[] | undefined> {
  const body = await ask(process.env.EXT_TEST_DOM_URL, { sel: selector });
  return body === undefined ? undefined : (JSON.parse(body) as string[]);
}
