import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bwrapArgs, nodeModulesScratch, probeBwrap } from './sandbox.ts';

const bwrap = probeBwrap(process.env.PATH);

test(
  'tools write their scratch files in a shared node_modules reached through a link',
  { skip: bwrap.path === null ? `no usable bubblewrap: ${bwrap.reason}` : false },
  () => {
    const root = mkdtempSync(join(tmpdir(), 'catalyst-sandbox-'));
    try {
      // A checkout whose node_modules links to the install, as in a git worktree of Catalyst.
      const install = join(root, 'install', 'node_modules');
      mkdirSync(install, { recursive: true });
      const linked = join(root, 'checkout', 'node_modules');
      mkdirSync(join(root, 'checkout'));
      symlinkSync(install, linked);
      const work = join(root, 'work');
      mkdirSync(work);
      const args = bwrapArgs({ writable: [work], readOnly: [linked], scratch: nodeModulesScratch(linked), cwd: work });
      const run = spawnSync(
        bwrap.path!,
        [
          ...args,
          'sh',
          '-c',
          `echo built > ${join(linked, '.vite-temp', 'config.mjs')} && cat ${join(linked, '.vite-temp', 'config.mjs')}`,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), 'built');
      assert.deepEqual(readdirSync(join(install, '.vite-temp')), [], 'the write stayed in the sandbox');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
);
