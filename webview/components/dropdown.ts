import { vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';
import { ensureRegistered } from './designSystem';

export interface DropdownOptions {
  /** Accessible name (the dropdown shows only the selected option). */
  readonly label: string;
  readonly options: ReadonlyArray<{ readonly value: string; readonly label: string }>;
  readonly value: string;
  readonly onChange: (value: string) => void;
}

/** A themed single-choice dropdown. */
export function createDropdown(options: DropdownOptions): HTMLElement {
  ensureRegistered('vscode-dropdown', vsCodeDropdown);
  ensureRegistered('vscode-option', vsCodeOption);
  const dropdown = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  dropdown.setAttribute('aria-label', options.label);
  dropdown.title = options.label;
  for (const option of options.options) {
    const element = document.createElement('vscode-option') as HTMLElement & { value: string };
    element.value = option.value;
    element.textContent = option.label;
    if (option.value === options.value) element.setAttribute('selected', '');
    dropdown.append(element);
  }
  dropdown.addEventListener('change', () => options.onChange(dropdown.value));
  return dropdown;
}
