import { vsCodeCheckbox } from '@vscode/webview-ui-toolkit';
import { ensureRegistered } from './designSystem';

export interface CheckboxOptions {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}

/** A themed checkbox; `onChange` gets the new value. */
export function createCheckbox(options: CheckboxOptions): HTMLElement {
  ensureRegistered('vscode-checkbox', vsCodeCheckbox);
  const box = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  box.textContent = options.label;
  box.checked = options.checked;
  box.addEventListener('change', () => options.onChange(box.checked));
  return box;
}
