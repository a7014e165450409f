// Lint rules, and the import direction of docs/architecture.md enforced as errors:
// electron -> host -> kernel-bridge, protocol; renderer -> protocol. Inside host/, the browser
// shell (host/browser-shell) is started by the CLI only; what both shells use is in host/shell.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = `^(node:.*|${builtinModules.map((m) => m.replace('/', '\\/')).join('|')})$`;
const folder = (name) => `(^|/)${name}(/|$)`;
const ban = (regex, why) => ({ regex, message: why });

/** no-restricted-imports for one folder, listing what it must never import. */
function restrict(files, bans) {
  return { files, rules: { 'no-restricted-imports': ['error', { patterns: bans }] } };
}

const noNode = ban(nodeBuiltins, 'Node built-ins are not available in this folder.');
const noElectron = ban('^electron(/.*)?$', 'Only electron/ may import electron.');
const noHost = ban(folder('host'), 'Imports flow electron -> host -> kernel-bridge, protocol.');
const noRenderer = ban(folder('renderer'), 'Nothing imports the renderer.');
const noBridge = ban(folder('kernel-bridge'), 'Only host/ talks to kernel-bridge/.');
const noElectronDir = ban(`\\.\\./${'electron'}(/|$)`, 'Nothing imports the Electron shell.');
const noBrowserShell = ban(
  folder('browser-shell'),
  'host/browser-shell is the browser shell alone (host/cli starts it); what both shells use is in host/shell.',
);

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'test-results/', 'playwright-report/', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  // Small modules and functions (docs/architecture.md): past these, split along the seams.
  {
    files: ['host/**/*.ts', 'kernel-bridge/**/*.ts', 'renderer/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  restrict(['protocol/**'], [noNode, noElectron, noHost, noRenderer, noBridge, noElectronDir]),
  restrict(['kernel-bridge/**'], [noElectron, noHost, noRenderer, noElectronDir]),
  restrict(['host/**'], [noElectron, noRenderer, noElectronDir, noBrowserShell]),
  // The CLI starts the browser shell; the browser shell's files use each other.
  restrict(['host/cli/**', 'host/browser-shell/**'], [noElectron, noRenderer, noElectronDir]),
  restrict(['renderer/**'], [noNode, noElectron, noHost, noBridge, noElectronDir]),
  restrict(['electron/main/**'], [noRenderer, noBrowserShell]),
  restrict(
    ['electron/preload/**'],
    [
      noHost,
      noRenderer,
      noBridge,
      ban(
        '^(?!electron$)(?!.*protocol/desktop-api).*$',
        'The preload only uses electron and protocol/desktop-api.',
      ),
    ],
  ),
);
