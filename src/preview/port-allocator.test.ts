import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { describe, test } from 'node:test';
import { AppError } from '../core/errors.ts';
import { allocatePort, isPortFree, portScanOrder } from './port-allocator.ts';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A small range whose ports are all free right now, so the tests do not depend on the machine. */
async function freeRange(size: number): Promise<{ from: number; to: number }> {
  for (let from = 17000; from < 17900; from += size) {
    const ports = Array.from({ length: size }, (_, i) => from + i);
    const free = await Promise.all(ports.map((p) => isPortFree(p)));
    if (free.every(Boolean)) return { from, to: from + size - 1 };
  }
  throw new Error('no free test range');
}

describe('port allocator', () => {
  test('scans every port of the range once, in an order fixed by the task id', () => {
    const range = { from: 9000, to: 9099 };
    const order = portScanOrder('task-a', range);
    assert.equal(order.length, 100);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => 9000 + i),
    );
    assert.deepEqual(portScanOrder('task-a', range), order);
    assert.notEqual(portScanOrder('task-b', range)[0], order[0]);
  });

  test('different tasks usually start their scan at different ports', () => {
    const firsts = new Set(Array.from({ length: 50 }, (_, i) => portScanOrder(`task-${i}`)[0]));
    assert.ok(firsts.size >= 45, `only ${firsts.size} distinct first ports for 50 tasks`);
  });

  test('returns the first free port of the scan', async () => {
    const range = await freeRange(8);
    const port = await allocatePort({ taskId: 't1', range });
    assert.equal(port, portScanOrder('t1', range)[0]);
  });

  test('skips reserved ports and ports something is listening on', async () => {
    const range = await freeRange(4);
    const order = portScanOrder('t2', range);
    const busy = await listen(order[1]!);
    try {
      assert.equal(await isPortFree(order[1]!), false);
      const port = await allocatePort({ taskId: 't2', range, reservedPorts: [order[0]!] });
      assert.equal(port, order[2]);
    } finally {
      await close(busy);
    }
  });

  test('fails with port_exhausted and a hint when nothing in the range is free', async () => {
    const range = await freeRange(2);
    const busy = await listen(range.from);
    try {
      await assert.rejects(
        allocatePort({ taskId: 't3', range, reservedPorts: [range.to] }),
        (e: unknown) =>
          AppError.isInstance(e) &&
          e.code === 'port_exhausted' &&
          e.retryable &&
          (e.hint ?? '').includes('port_range') &&
          e.message.includes(`${range.from}-${range.to}`),
      );
    } finally {
      await close(busy);
    }
  });

  test('rejects a range that is not a range', () => {
    assert.throws(
      () => portScanOrder('t', { from: 9100, to: 9000 }),
      (e: unknown) => AppError.isInstance(e) && e.code === 'invalid_config',
    );
  });
});
