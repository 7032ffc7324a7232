import type { DocumentStore } from '../../core/ports/document-store.ts';
import type { StateStore } from '../../core/ports/state-store.ts';

/** The two ports one database serves; closing `state` closes the connection both use. */
export interface OpenedStores {
  state: StateStore;
  documents: DocumentStore;
}
