// A host process that accepts typing from a client and reports each accepted edit on stdout.
// The crash test kill -9s it mid-typing. Usage: typing-child.ts NOTEBOOK DATA_DIR
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { Tag, decodeHubMessage, encodeHubMessage } from '../../../protocol/hub-messages';
import { createTransportPair } from '../../../protocol/transport';
import { cellsOf } from '../../../protocol/ydoc-nbformat';
import { NotebookSession } from '../../../host/session/notebook-session';

const [path, dataDir] = process.argv.slice(2) as [string, string];
const session = await NotebookSession.open(path, { dataDir, autosaveDelayMs: 0 });
const hostText = () => (cellsOf(session.doc).get(0).get('source') as Y.Text).toString();

// A client replica connected the way a window is: y-protocols sync over a Transport.
const [hostEnd, clientEnd] = createTransportPair();
session.attach(hostEnd);
const client = new Y.Doc();
clientEnd.onMessage((bytes) => {
  const msg = decodeHubMessage(bytes);
  if (!msg.ok || msg.value.tag !== Tag.Sync) return;
  const reply = encodeHubMessage(Tag.Sync);
  syncProtocol.readSyncMessage(msg.value.body, reply, client, 'host');
  if (encoding.length(reply) > 1) clientEnd.send(encoding.toUint8Array(reply));
});
client.on('update', (update: Uint8Array, origin: unknown) => {
  if (origin === 'host') return;
  const enc = encodeHubMessage(Tag.Sync);
  syncProtocol.writeUpdate(enc, update);
  clientEnd.send(encoding.toUint8Array(enc));
});
const step1 = encodeHubMessage(Tag.Sync);
syncProtocol.writeSyncStep1(step1, client);
clientEnd.send(encoding.toUint8Array(step1));

// The host's update listeners run after the journal's: when this prints, the edit is on disk.
session.doc.on('update', () => process.stdout.write(`accepted ${JSON.stringify(hostText())}\n`));

await new Promise((r) => setTimeout(r, 50));
process.stdout.write('ready\n');
let n = 0;
setInterval(() => {
  const cell = cellsOf(client).get(0);
  (cell.get('source') as Y.Text).insert(0, String.fromCharCode(97 + (n++ % 26)));
}, 2);
