#!/usr/bin/env node
// `npx pairbook …`: runs the bundled CLI, dist/cli/pairbook.mjs (scripts/build-cli.mjs, built by
// `npm ci` and `npm run build`). Plain Node loads it: no TypeScript loader at run time.
//
// In a source tree (host/cli/main.ts is here) a bundle that is missing or older than its sources
// is rebuilt first, silently and in about a second, so an edited source is what runs, as it
// would be with a loader. Where esbuild is not installed (npm ci --omit=dev) the bundle that is
// there runs, with a note when it is stale; with none at all we say how to build one.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/pairbook.mjs', import.meta.url);
if (existsSync(new URL('../host/cli/main.ts', import.meta.url))) {
  const { buildCli, cliIsStale } = await import('../scripts/build-cli.mjs');
  if (cliIsStale()) {
    let esbuild = true;
    try {
      await import('esbuild');
    } catch {
      esbuild = false;
    }
    if (esbuild) {
      try {
        await buildCli({ prune: false });
      } catch {
        // esbuild has printed what is wrong, file and line.
        process.stderr.write('pairbook: the CLI could not be rebuilt from the sources\n');
        process.exit(1);
      }
    } else if (existsSync(cli)) {
      process.stderr.write(
        'pairbook: note: dist/cli is older than the sources and esbuild is not installed to ' +
          'rebuild it (npm ci installs it): running the old build\n',
      );
    }
  }
}
if (!existsSync(cli)) {
  process.stderr.write(
    'pairbook: the CLI is not built (dist/cli/pairbook.mjs is missing): run `npm ci` or ' +
      '`npm run build` in the Pairbook folder\n',
  );
  process.exit(1);
}
const { main } = await import(cli.href);
// A command that returned is done: exit now rather than wait for whatever timers or sockets a
// refused file left behind (a notebook session's awareness timer, for one).
process.exit(await main(process.argv.slice(2)));
