import { vsCodeButton } from '@vscode/webview-ui-toolkit';
import { ensureRegistered } from './designSystem';

export interface ButtonOptions {
  readonly label: string;
  /** Tooltip and accessible name when it differs from the label. */
  readonly title?: string;
  readonly appearance?: 'primary' | 'secondary';
  readonly onClick: () => void;
}

/** A themed, keyboard-reachable button (Tab to focus, Enter/Space to press). */
export function createButton(options: ButtonOptions): HTMLElement {
  ensureRegistered('vscode-button', vsCodeButton);
  const button = document.createElement('vscode-button');
  button.textContent = options.label;
  button.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.title) {
    button.title = options.title;
    button.setAttribute('aria-label', options.title);
  }
  button.addEventListener('click', () => options.onClick());
  return button;
}
