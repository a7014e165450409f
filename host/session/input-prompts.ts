// The kernel's input() and getpass() prompts, each asked of the person who ran the cell and only
// of them; their answer comes back as an 'input-reply' request from the same connection.
import { randomUUID } from 'node:crypto';
import type { HostNotice } from '../../protocol/hub-messages';
import type { Transport } from '../../protocol/transport';
import type { Requester } from './queued-run';
import type { RequestOutcome } from './sync-client';

/** Whoever asked for a run: their name, peer id, connection and how to tell them things. */
export interface Asker {
  name: string;
  peer?: string;
  transport: Transport;
  notify: (notice: HostNotice) => void;
}

export class InputPrompts {
  private readonly pending = new Map<
    string,
    { transport: Transport; resolve: (v: string) => void }
  >();

  /** A requester for runs asked by `asker`: the prompts of those runs go to them. */
  requester(asker: Asker, runningCellId: () => string): Requester {
    const { name, peer, transport, notify } = asker;
    return {
      name,
      ...(peer ? { peer } : {}),
      askInput: (prompt, signal) =>
        new Promise<string>((resolve, reject) => {
          const inputId = randomUUID();
          const done = () => {
            this.pending.delete(inputId);
            offClose();
          };
          const offClose = transport.onClose(() => {
            done();
            reject(new Error(`${name} left`));
          });
          signal.addEventListener('abort', () => {
            done();
            reject(new Error('the prompt was cancelled'));
          });
          this.pending.set(inputId, {
            transport,
            resolve: (v) => {
              done();
              resolve(v);
            },
          });
          notify({
            type: 'input-request',
            inputId,
            cellId: runningCellId(),
            prompt: prompt.prompt,
            password: prompt.password,
          });
        }),
    };
  }

  /** The answer to prompt `inputId`, from `transport` (only the one asked may answer). */
  answer(inputId: string, value: string, transport: Transport): RequestOutcome {
    const pending = this.pending.get(inputId);
    if (!pending || pending.transport !== transport) {
      return { ok: false, message: 'that prompt is no longer waiting for an answer' };
    }
    pending.resolve(value);
    return { ok: true };
  }
}
