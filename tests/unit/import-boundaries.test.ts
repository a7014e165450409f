import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import direction of docs/architecture.md is enforced by ESLint; prove the rule fails when broken.
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import direction', () => {
  it.each([
    ['protocol/x.ts', "import { readFile } from 'node:fs';"],
    ['protocol/x.ts', "import { NotebookSession } from '../host/session/notebook-session';"],
    ['renderer/x.ts', "import * as fs from 'fs';"],
    ['renderer/x.ts', "import { Journal } from '../host/session/journal';"],
    ['renderer/x.ts', "import { ZmqKernel } from '../kernel-bridge/zmq/zmq-kernel';"],
    ['host/x.ts', "import { app } from 'electron';"],
    ['host/x.ts', "import { mount } from '../renderer/notebook/notebook-view';"],
    ['kernel-bridge/x.ts', "import { NotebookSession } from '../host/session/notebook-session';"],
    ['electron/main/x.ts', "import { mount } from '../../renderer/notebook/notebook-view';"],
    [
      'electron/main/x.ts',
      "import { SharingController } from '../../host/browser-shell/sharing-controller';",
    ],
    [
      'host/session/x.ts',
      "import { BrowserShellServer } from '../browser-shell/browser-shell-server';",
    ],
    [
      'host/shell/x.ts',
      "import { contentSecurityPolicy } from '../browser-shell/content-security-policy';",
    ],
  ])('refuses in %s: %s', async (file, code) => {
    expect(await problems(file, code)).not.toEqual([]);
  });

  it.each([
    ['renderer/x.ts', "import * as Y from 'yjs';\nimport { Tag } from '../protocol/hub-messages';"],
    [
      'host/x.ts',
      "import { readFile } from 'node:fs';\nimport { Tag } from '../protocol/hub-messages';",
    ],
    [
      'electron/main/x.ts',
      "import { app } from 'electron';\nimport { NotebookSession } from '../../host/session/notebook-session';",
    ],
    [
      'electron/main/x.ts',
      "import { SharingController } from '../../host/shell/sharing-controller';",
    ],
    [
      'host/cli/x.ts',
      "import { BrowserShellServer } from '../browser-shell/browser-shell-server';",
    ],
    ['host/browser-shell/x.ts', "import { SharingController } from '../shell/sharing-controller';"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
