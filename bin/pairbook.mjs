#!/usr/bin/env node
// `npx pairbook …`: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../host/cli/main.ts');
// A command that returned is done: exit now rather than wait for whatever timers or sockets a
// refused file left behind (a notebook session's awareness timer, for one).
process.exit(await main(process.argv.slice(2)));
