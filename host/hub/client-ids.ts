import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/**
 * Which guest owns which Yjs client id. A guest may write document items and awareness states
 * only under client ids it owns: a fresh id (unknown to the document and to awareness) becomes
 * the first claimer's. So one guest cannot write as another, as the host or as its kernel, nor
 * take the clocks another guest is about to use. Ownership is by the guest's stable key, so it
 * survives a reconnect.
 */
export class ClientIdRegistry {
  private readonly owners = new Map<number, string>();

  constructor(private readonly doc: Y.Doc) {}

  /** True when the guest `guestKey` may write under `client`. */
  mayWrite(client: number, guestKey: string, awareness?: Awareness): boolean {
    const owner = this.owners.get(client);
    if (owner !== undefined) return owner === guestKey;
    if (client === this.doc.clientID) return false;
    if (this.doc.store.clients.has(client)) return false;
    if (awareness?.getStates().has(client)) return false;
    return true;
  }

  /** True when `guestKey` has already claimed `client`. */
  isOwnedBy(client: number, guestKey: string): boolean {
    return this.owners.get(client) === guestKey;
  }

  /** Records that `guestKey` owns `client` (after mayWrite said yes). */
  claim(client: number, guestKey: string): void {
    if (!this.owners.has(client)) this.owners.set(client, guestKey);
  }

  /** The client ids a guest owns. */
  ownedBy(guestKey: string): number[] {
    return [...this.owners].filter(([, k]) => k === guestKey).map(([c]) => c);
  }
}
