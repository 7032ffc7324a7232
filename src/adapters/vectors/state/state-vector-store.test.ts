import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeVectorStore } from '../../../../test/conformance/vector-store.ts';
import { openStateStore } from '../../state/index.ts';
import { createStateVectorStore } from './state-vector-store.ts';

describeVectorStore('state store (cosine in process, PGlite documents)', {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'catalyst-vectors-'));
    const state = await openStateStore({ kind: 'pglite', dataDir: join(dir, 'data') });
    return {
      vectors: createStateVectorStore(state.documents),
      async close() {
        await state.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
