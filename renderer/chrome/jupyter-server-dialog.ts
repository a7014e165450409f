import { Modal, h, labelled } from './modal';

/** Where the last server connected to is remembered, without its token. */
export const LAST_SERVER_KEY = 'pairbook:jupyter-server';

/** `link` without its token, to remember or show; '' when it is not a URL. */
function withoutToken(link: string): string {
  try {
    const url = new URL(link);
    url.searchParams.delete('token');
    return url.href;
  } catch {
    return '';
  }
}

/** Connects to a server; resolves with null once connected, or with what went wrong. */
export type ConnectToServer = (url: string, token: string) => Promise<string | null>;

/**
 * Asks the host for a Jupyter server (the link it prints, e.g. `http://gpu-box:8888/lab?token=…`,
 * or its URL and a token) and calls `connect`. The dialog stays open, saying "Connecting…" and
 * then what went wrong, until the host is connected or closes it. The host checks the address.
 * The last server connected to is offered again, without its token (never stored).
 */
export function openJupyterServerDialog(connect: ConnectToServer): void {
  const modal = new Modal('Run the kernel on a Jupyter server', 'jupyter-server-dialog');
  const url = h('input', 'text-field', 'jupyter-server-url');
  url.placeholder = 'http://gpu-box:8888/lab?token=…';
  url.spellcheck = false;
  url.setAttribute('autocomplete', 'url');
  url.value = localStorage.getItem(LAST_SERVER_KEY) ?? '';
  const token = h('input', 'text-field', 'jupyter-server-token');
  token.type = 'password';
  token.placeholder = 'Only if the link has none';
  token.setAttribute('autocomplete', 'off');
  const problem = h('p', 'field-error', 'jupyter-server-error');
  problem.hidden = true;
  const hint = h(
    'p',
    'field-hint',
    undefined,
    'The kernel will run on that server, in its folder; the notebook stays on this computer. ' +
      'Everyone in the session sees where the kernel runs, never the token.',
  );
  const submit = h('button', 'primary-button', 'jupyter-server-connect', 'Connect');
  submit.type = 'submit';
  const form = h('form', 'jupyter-server-form');
  form.id = 'jupyter-server-form';
  submit.setAttribute('form', form.id);
  form.append(hint, labelled('Server link', url), labelled('Token', token), problem);
  form.addEventListener('input', () => (problem.hidden = true));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!url.value.trim()) {
      problem.textContent = 'Paste the link the Jupyter server printed when it started';
      problem.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Connecting…';
    void connect(url.value.trim(), token.value).then((why) => {
      submit.disabled = false;
      submit.textContent = 'Connect';
      if (why === null) {
        localStorage.setItem(LAST_SERVER_KEY, withoutToken(url.value.trim()));
        return modal.close();
      }
      problem.textContent = why;
      problem.hidden = false;
    });
  });
  modal.body.append(form);
  modal.footer.append(h('div', 'spacer'), submit);
  modal.show();
  (url.value ? token : url).focus();
}
