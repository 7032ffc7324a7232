/**
 * Everything the runtime opens, in one list, closed once in reverse order of opening: a part opened
 * later may use an earlier one (the engine the bus, the explorer the state store), never the reverse.
 */
export interface Closeable {
  close(): Promise<unknown> | void;
}

export interface Resources {
  /** Registers `resource` to be closed with the rest and returns it, so opening and registering are one step. */
  add<T extends Closeable>(resource: T): T;
  /** Closes everything registered, last first; every part is closed even when one fails, then the first failure is thrown. */
  closeAll(): Promise<void>;
}

export function createResources(): Resources {
  const opened: Closeable[] = [];
  let closing: Promise<void> | null = null;
  return {
    add(resource) {
      opened.push(resource);
      return resource;
    },
    closeAll() {
      closing ??= (async () => {
        const failures: unknown[] = [];
        for (const r of opened.reverse()) {
          try {
            await r.close();
          } catch (e) {
            failures.push(e);
          }
        }
        if (failures.length > 0) throw failures[0];
      })();
      return closing;
    },
  };
}
