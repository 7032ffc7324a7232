/**
 * Picks a free TCP port for a preview (spec §7). Previews started by different processes (the
 * server, a detached CLI run) allocate independently, so each task scans the range from its own
 * hashed offset: two tasks rarely probe the same port first, and the bind probe settles the rest.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { AppError } from '../core/errors.ts';

export interface PortRange {
  from: number;
  to: number;
}

export const DEFAULT_PORT_RANGE: PortRange = Object.freeze({ from: 9000, to: 9999 });

export interface PortAllocationRequest {
  taskId: string;
  range?: PortRange;
  /** Ports recorded for other previews; skipped even if nothing is bound to them right now. */
  reservedPorts?: Iterable<number>;
  host?: string;
}

function assertRange(range: PortRange): void {
  const ok = Number.isInteger(range.from) && Number.isInteger(range.to) && range.from >= 1 && range.to <= 65535 && range.from <= range.to;
  if (!ok) {
    throw new AppError('invalid_config', `invalid preview port range ${range.from}-${range.to}`, {
      hint: 'set preview.port_range to two ports between 1 and 65535, the first not above the second',
    });
  }
}

/** Every port of the range exactly once, starting at an offset derived from the task id. */
export function portScanOrder(taskId: string, range: PortRange = DEFAULT_PORT_RANGE): number[] {
  assertRange(range);
  const size = range.to - range.from + 1;
  const offset = createHash('sha256').update(taskId).digest().readUInt32BE(0) % size;
  return Array.from({ length: size }, (_, i) => range.from + ((offset + i) % size));
}

/** True when a listener can bind `host:port` right now (the listener is closed again at once). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

export async function allocatePort(req: PortAllocationRequest): Promise<number> {
  const range = req.range ?? DEFAULT_PORT_RANGE;
  const reserved = new Set(req.reservedPorts ?? []);
  for (const port of portScanOrder(req.taskId, range)) {
    if (reserved.has(port)) continue;
    if (await isPortFree(port, req.host)) return port;
  }
  throw new AppError('port_exhausted', `no free preview port in ${range.from}-${range.to}`, {
    hint: 'stop previews you no longer need (catalyst preview stop) or widen preview.port_range',
    details: { from: range.from, to: range.to, reserved: reserved.size },
  });
}
