// Entry point of the renderer bundle (scripts/build-renderer.mjs). It opens the connection to the
// host first, then loads the editor (CodeMirror, KaTeX, outputs) while the document syncs: on a
// large notebook each takes a few hundred ms, and they need not wait for each other. A browser
// guest (the shell's /join page) asks for its name first and connects over WebRTC instead.
import 'katex/dist/katex.min.css';
import './styles/app.css';
import { HubClient } from './connection/hub-client';
import { getPlatform } from './platform/platform';
import { installTestHook } from './test-hook';

installTestHook(window.location);
const root = document.getElementById('app');
if (root) {
  const fail = (e: unknown) => {
    console.error('pairbook: the editor failed to start', e);
    root.textContent = `Pairbook could not open this notebook: ${(e as Error).message}`;
  };
  try {
    if (window.location.pathname === '/join') {
      import('./sharing/guest-main')
        .then(({ startGuest }) => startGuest(root, window.location))
        .catch(fail);
    } else {
      const platform = getPlatform();
      const client = new HubClient(() => platform.openHubTransport());
      performance.mark('pairbook:connect');
      const onStatus = (status: string) => {
        if (status !== 'synced') return;
        performance.mark('pairbook:doc-synced');
        client.off('status', onStatus);
      };
      client.on('status', onStatus);
      client.connect();
      import('./app').then(({ startApp }) => startApp(root, platform, client)).catch(fail);
    }
  } catch (e) {
    fail(e);
  }
}
