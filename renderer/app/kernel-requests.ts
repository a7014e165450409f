// Asking the host's kernel to run cells, interrupt, restart or change, and answering its input
// prompts. A run refused because the kernel died offers the restart it needs; a cell still running
// after an interrupt gets a way out rather than a silent button.
import { confirmAction } from '../chrome/confirm-dialog';
import type { HubClient } from '../connection/hub-client';
import type { CellView } from '../notebook/cell-view';
import { watchInterrupt } from '../notebook/interrupt-watch';
import { testEvent } from '../test-hook';
import type { Feedback } from './feedback';

/** What the page asks of the kernel. */
export class KernelRequests {
  private stopWatchingInterrupt = (): void => {};

  constructor(
    private readonly client: Pick<HubClient, 'request' | 'doc'>,
    private readonly feedback: Feedback,
  ) {}

  run = async (cellIds: string[]): Promise<void> => {
    const { ok, message = null, code = null } = await this.client.request({ type: 'run', cellIds });
    testEvent({ type: 'reply', request: 'run', ok, message, code });
    if (ok) return;
    const restart = { label: 'Restart the kernel…', testId: 'restart-dead', run: this.restart };
    this.feedback.toasts.show(`Cannot run: ${message ?? 'refused by the host'}`, 'warning', [
      ...(code === 'kernel-dead' ? [restart] : []),
    ]);
  };

  interrupt = (): void => {
    this.stopWatchingInterrupt();
    void this.feedback.request('Cannot interrupt', { type: 'interrupt' }).then((ok) => {
      if (!ok) return;
      this.stopWatchingInterrupt = watchInterrupt(this.client.doc, (cell) =>
        this.feedback.toasts.show(
          `Cell ${cell} is still running after the interrupt: its code may catch or ignore it.`,
          'warning',
          [
            { label: 'Interrupt again', testId: 'interrupt-again', run: this.interrupt },
            { label: 'Restart the kernel…', testId: 'restart-instead', run: this.restart },
          ],
        ),
      );
    });
  };

  /** Restarts the kernel once the person confirms. */
  restart = (): void =>
    void confirmAction({
      title: 'Restart the kernel?',
      text: 'All variables are lost, and cells running or waiting to run are stopped.',
      confirm: 'Restart',
      testId: 'confirm-restart',
    }).then((yes) => yes && this.feedback.request('Cannot restart', { type: 'restart' }));

  changeKernel = (name: string): void =>
    void this.feedback.request('Cannot change the kernel', { type: 'change-kernel', name });

  /** Asks for the input the kernel wants in `cell`, and sends the answer. */
  answerInput(cell: CellView, input: { inputId: string; prompt: string; password: boolean }): void {
    void cell.askInput(input.prompt, input.password).then((value) =>
      this.feedback.request('Cannot answer the prompt', {
        type: 'input-reply',
        inputId: input.inputId,
        value,
      }),
    );
  }
}
