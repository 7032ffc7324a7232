import type { EventType } from '../../contracts/events.ts';
import type { PreviewDeployment } from '../../contracts/records.ts';

export type PreviewEventType = Extract<EventType, `preview.${string}`>;
export type PreviewEventKind = PreviewEventType extends `preview.${infer K}` ? K : never;

/**
 * Records `preview.<kind>` lifecycle events for changes made outside an agent step (the monitor,
 * preview stop/restart, a deploy evicting another task's preview). The runtime's implementation is
 * src/preview/preview-events.ts.
 */
export interface PreviewEventRecorder {
  /**
   * Records `preview.<kind>` for `row` (its state after the change). Never throws: a lost audit
   * line must not stop the monitor from restarting or expiring previews; failures are logged.
   */
  record(kind: PreviewEventKind, row: PreviewDeployment, reason: string | null): Promise<void>;
}
