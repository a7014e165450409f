// A guest's copies of the notebook to save: after the session ended, or from before starting
// over with the host's copy.
import { h } from '../chrome/modal';
import { testEvent } from '../test-hook';

/** Downloads `ipynb` as the notebook `name` (shared-notebook.ipynb when it has none). */
export function downloadCopy(ipynb: string, name: string): void {
  const blob = new Blob([ipynb], { type: 'application/x-ipynb+json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name && name.endsWith('.ipynb') ? name : 'shared-notebook.ipynb';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Why this guest started over with the host's copy, and their old copy to save (if any). */
export function startedOverBanner(
  info: { message: string; copy: string | null },
  name: () => string,
): HTMLElement {
  const banner = h('div', 'session-ended started-over', 'started-over');
  const dismiss = h('button', 'link-button', 'started-over-dismiss', 'Dismiss');
  dismiss.addEventListener('click', () => banner.remove());
  banner.append(h('span', '', 'started-over-text', info.message));
  if (info.copy !== null) {
    const copy = info.copy;
    const save = h('button', 'primary-button small', 'save-old-copy', 'Save my old copy as…');
    save.addEventListener('click', () => downloadCopy(copy, name()));
    banner.append(save);
  }
  banner.append(dismiss);
  testEvent({ type: 'restarted', message: info.message, copy: info.copy !== null });
  return banner;
}
