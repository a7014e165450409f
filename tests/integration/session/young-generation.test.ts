// Opening a notebook leaves the document it built out of V8's young generation: the first two
// scavenges after opening would otherwise copy it (10-40 ms each for 5-20 MB, on the host's event
// loop, whenever the first edits start one). Asserted on the heap's spaces, not on timings.
import { describe, expect, it } from 'vitest';
import { youngGenerationBytes } from '../../../host/document/young-generation';
import { NotebookSession } from '../../../host/session/notebook-session';
import { generateNotebook } from '../../../bench/generate-notebook';
import { tempDir, writeNotebook } from '../../helpers/notebooks';

describe('opening a large notebook', () => {
  it('leaves its document in the old generation', async () => {
    const path = writeNotebook(generateNotebook(1000, 5_000_000));
    const session = await NotebookSession.open(path, { dataDir: tempDir(), autosaveDelayMs: 0 });
    const young = youngGenerationBytes();
    await session.close();
    // Without promotion, 5-11 MB of the new document were still young here.
    expect(young).toBeLessThan(1_000_000);
  });
});
