// Entry point of the renderer bundle (scripts/build-renderer.mjs).
import 'katex/dist/katex.min.css';
import './styles/app.css';
import { startApp } from './app';
import { installTestHook } from './test-hook';

installTestHook(window.location);
const root = document.getElementById('app');
if (root) {
  startApp(root).catch((e: unknown) => {
    console.error('pairbook: the editor failed to start', e);
    root.textContent = `Pairbook could not open this notebook: ${(e as Error).message}`;
  });
}
