// A host process that accepts typing from a client and reports each accepted edit on stdout.
// The crash test kill -9s it mid-typing. Usage: typing-child.ts NOTEBOOK DATA_DIR
import type * as Y from 'yjs';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';
import { connectClient } from '../../helpers/session-client';

const [path, dataDir] = process.argv.slice(2) as [string, string];
const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
const hostText = () => (cellsOf(session.doc).get(0).get('source') as Y.Text).toString();

// A client connected the way a window is: the renderer's HubClient over a Transport.
const client = connectClient(session, 'typist').doc;

// The host's update listeners run after the journal's: when this prints, the edit is on disk.
session.doc.on('update', () => process.stdout.write(`accepted ${JSON.stringify(hostText())}\n`));

await new Promise((r) => setTimeout(r, 50));
process.stdout.write('ready\n');
let n = 0;
setInterval(() => {
  const cell = cellsOf(client).get(0);
  (cell.get('source') as Y.Text).insert(0, String.fromCharCode(97 + (n++ % 26)));
}, 2);
