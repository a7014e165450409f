// A host process that accepts typing from a client and reports each accepted edit on stdout.
// The crash tests kill -9 it at chosen moments.
// Usage: typing-child.ts NOTEBOOK DATA_DIR [EDITS] [AUTOSAVE_MS] [MAX_WAIT_MS] [KILL_IN_SAVE_MS]
//   EDITS: how many characters to type (default or '': until killed; 0: none, just open)
//   AUTOSAVE_MS: autosave's quiet time (default 0: off); MAX_WAIT_MS: its max wait
//   KILL_IN_SAVE_MS: kill -9 itself this long after a save began writing, or `tmp`: as soon as
//   the save's temp file appears (the parent's kill, through a pipe, often lands too late)
// Prints `recovered KIND` when it recovered a journal, `ready`, `accepted "TEXT"` after each
// accepted edit (TEXT is the first cell's source), `saving` when a save begins to write and
// `saved` when it is on disk.
import { watch } from 'node:fs';
import { dirname } from 'node:path';
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { connectClient } from '../../helpers/session-client';

const [path, dataDir, editsArg, autosaveArg, maxWaitArg, killArg] = process.argv.slice(2) as [
  string,
  string,
  string?,
  string?,
  string?,
  string?,
];
const edits = editsArg === undefined || editsArg === '' ? Infinity : Number(editsArg);
const autosaveDelayMs = autosaveArg === undefined ? 0 : Number(autosaveArg);
const session = await NotebookSession.open(path, {
  dataDir,
  autosaveDelayMs,
  ...(maxWaitArg === undefined ? {} : { autosaveMaxWaitMs: Number(maxWaitArg) }),
});
const say = (line: string) => process.stdout.write(`${line}\n`);
if (session.recovery) say(`recovered ${session.recovery.kind}`);
const hostText = () => (cellsOf(session.doc).get(0).get('source') as Y.Text).toString();

// A client connected the way a window is: the renderer's HubClient over a Transport.
const typist = connectClient(session, 'typist');
const client = typist.doc;

// The host's update listeners run after the journal's: when this prints, the edit is on disk.
session.doc.on('update', () => say(`accepted ${JSON.stringify(hostText())}`));
const die = () => process.kill(process.pid, 'SIGKILL');
session.on('saving', () => {
  say('saving');
  if (killArg === 'tmp') {
    watch(dirname(path), (_, name) => {
      if (name?.endsWith('.pairbook-tmp')) die();
    });
  } else if (killArg !== undefined) setTimeout(die, Number(killArg));
});
session.on('saved', () => say('saved'));

// The first sync of a large notebook is prepared a slice at a time: type once it arrived.
await typist.until((doc) => cellsOf(doc).length > 0);
say('ready');
let n = 0;
const typing = setInterval(() => {
  if (n >= edits) return clearInterval(typing);
  const cell = cellsOf(client).get(0);
  (cell.get('source') as Y.Text).insert(0, String.fromCharCode(97 + (n++ % 26)));
}, 2);
