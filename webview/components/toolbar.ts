/**
 * A row of controls above a chart. Left/Right arrows move the focus between its controls, as in
 * VS Code's own toolbars; Tab leaves the toolbar.
 */
export function createToolbar(label: string, controls: readonly HTMLElement[]): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'lens-toolbar';
  bar.setAttribute('role', 'toolbar');
  bar.setAttribute('aria-label', label);
  bar.append(...controls);
  bar.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const index = controls.findIndex((c) => c === document.activeElement || c.contains(document.activeElement));
    if (index < 0) return;
    const next = controls[(index + (event.key === 'ArrowRight' ? 1 : controls.length - 1)) % controls.length];
    next.focus();
    event.preventDefault();
  });
  return bar;
}

/** A status line beside the toolbar (counts, "live", errors); announced politely to screen readers. */
export function createStatusText(): HTMLElement {
  const status = document.createElement('span');
  status.className = 'lens-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  return status;
}
