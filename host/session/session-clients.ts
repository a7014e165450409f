// The clients attached to a session (the host's windows and guests), and what the session tells
// them: the host's windows what only the host decides, everyone that saves fail or work again,
// a client whose edit the journal could not take that it was refused.
import { type HostNotice, encodeNotice } from '../../protocol/hub-messages';
import { encodeControl } from '../../protocol/hub-control';
import type { Transport } from '../../protocol/transport';
import { roleOf } from './client-role';

/** Least time between two "your edit was not kept" notices to one client. */
export const REFUSAL_NOTICE_INTERVAL_MS = 2000;

/** An attached client: its pipe, how to send it a notice, when it was last told of a refusal. */
export interface Client {
  transport: Transport;
  notify: (notice: HostNotice) => void;
  lastRefusal: number;
}

export class SessionClients {
  private readonly clients = new Set<Client>();
  /** Why the last save failed, while saves fail (everyone was told once). */
  private saveFailure: string | null = null;

  /** `name`: the notebook's file name, for what guests are told. */
  constructor(private readonly name: string) {}

  /** A client on `transport`, attached until `remove`. */
  add(transport: Transport): Client {
    const client: Client = {
      transport,
      notify: (n) => transport.send(encodeNotice(n)),
      lastRefusal: -Infinity,
    };
    this.clients.add(client);
    return client;
  }

  remove(client: Client): void {
    this.clients.delete(client);
  }

  /** Tells the host's own windows. */
  toHosts(notice: HostNotice): void {
    for (const c of this.clients) if (roleOf(c.transport) === 'host') c.notify(notice);
  }

  /**
   * A window or guest arriving while edits are paused (`journalFailure`: why) or saves fail is
   * told at once.
   */
  welcome(client: Client, journalFailure: string | null): void {
    const toHost = roleOf(client.transport) === 'host';
    if (journalFailure !== null && toHost) {
      client.notify({
        type: 'notice',
        level: 'error',
        message: journalFailure,
        code: 'journal-failed',
      });
    }
    if (this.saveFailure !== null) client.notify(this.saveFailureNotice(toHost, this.saveFailure));
  }

  // The client's replica now has an edit the host refused: a guest starts over from the host's
  // state (as after an edit the hub's guard drops); a host window reconnects, and its sync offers
  // the refused edits again, so the host's own typing is kept until the journal can take it.
  refuse(client: Client, journalFailure: string | null): void {
    if (roleOf(client.transport) === 'host') {
      client.transport.close(journalFailure ?? 'the journal cannot be written');
      return;
    }
    const now = Date.now();
    if (now - client.lastRefusal < REFUSAL_NOTICE_INTERVAL_MS) return;
    client.lastRefusal = now;
    const message =
      "The host can't record edits right now (its disk is full or failing): your edit was not " +
      "kept; your copy is reloaded from the host's. Edits are paused until the host fixes it";
    client.notify({ type: 'notice', level: 'error', message, code: 'journal-failed' });
    client.transport.send(encodeControl({ type: 'resync', message }));
  }

  /** A save failed (`message`: why): everyone is told once, until a save works again. */
  saveFailed(message: string): void {
    if (this.saveFailure !== null) return;
    this.saveFailure = message;
    for (const c of this.clients) {
      c.notify(this.saveFailureNotice(roleOf(c.transport) === 'host', message));
    }
  }

  /** A save worked: if saves had failed, everyone is told they work again. */
  saved(): void {
    if (this.saveFailure === null) return;
    this.saveFailure = null;
    const message = `${this.name} is being saved again`;
    for (const c of this.clients)
      c.notify({ type: 'notice', level: 'info', message, code: 'saved' });
  }

  /** The document was reloaded from disk: guests are told why their edits went. */
  reloaded(): void {
    // The host's window says it itself.
    const message = `The host loaded ${this.name} from disk: edits since the last save were replaced`;
    for (const c of this.clients) {
      if (roleOf(c.transport) !== 'host') c.notify({ type: 'notice', level: 'info', message });
    }
  }

  private saveFailureNotice(toHost: boolean, message: string): HostNotice {
    const text = toHost
      ? message
      : `The host can't save ${this.name} right now; edits are kept in the host's journal`;
    return { type: 'notice', level: 'error', message: text, code: 'save-failed' };
  }
}
