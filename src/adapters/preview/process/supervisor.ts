/**
 * Keeps one preview app running: spawns it with its output appended to the preview log, restarts it
 * when it dies on its own (a bounded number of times, so a broken app does not spin forever), and on
 * SIGTERM/SIGINT stops it gracefully before exiting. Runs as its own process (`supervisor-main.ts`)
 * so a detached preview outlives the Catalyst process that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { forwardToSocket } from './socket-forwarder.ts';
import { isPidAlive } from './process-group.ts';
import type { SupervisorConfig, SupervisorState } from './supervisor-config.ts';

const PARENT_CHECK_MS = 1000;

/** Resolves with the exit code the supervisor process should use. */
export function runSupervisor(cfg: SupervisorConfig): Promise<number> {
  const logFd = openSync(cfg.logPath, 'a');
  const state: SupervisorState = {
    pid: process.pid,
    appPid: null,
    port: cfg.port,
    restarts: 0,
    status: 'starting',
    updatedAt: new Date().toISOString(),
  };
  const restartTimes: number[] = [];
  let app: ChildProcess | null = null;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  let parentTimer: NodeJS.Timeout | null = null;
  let forwarder: Server | null = null;

  const log = (msg: string): void => {
    writeSync(logFd, `[supervisor ${new Date().toISOString()}] ${msg}\n`);
  };
  // Joining before the app starts puts the app, its sandbox and everything they start under the CPU quota.
  if (cfg.cpuCgroup !== null) {
    try {
      writeFileSync(join(cfg.cpuCgroup, 'cgroup.procs'), String(process.pid));
    } catch (e) {
      log(
        `warning: could not join the CPU group ${cfg.cpuCgroup} (${e instanceof Error ? e.message : String(e)}); the app runs without a CPU limit`,
      );
    }
  }
  const saveState = (status: SupervisorState['status']): void => {
    state.status = status;
    state.updatedAt = new Date().toISOString();
    // Write then rename so readers never see a half-written file.
    const tmp = `${cfg.statePath}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, cfg.statePath);
  };

  return new Promise<number>((resolve) => {
    const finish = (code: number, status: SupervisorState['status']): void => {
      for (const t of [restartTimer, killTimer, parentTimer]) if (t) clearTimeout(t);
      forwarder?.close();
      process.off('SIGTERM', requestStop);
      process.off('SIGINT', requestStop);
      state.appPid = null;
      saveState(status);
      log(`exiting with code ${code} (${status})`);
      closeSync(logFd);
      resolve(code);
    };

    const onAppExit = (child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void => {
      if (app !== child) return; // 'error' and 'exit' can both fire for one child
      app = null;
      if (stopping) return finish(0, 'stopped');
      const now = Date.now();
      while (restartTimes.length > 0 && (restartTimes[0] ?? 0) <= now - cfg.restartWindowMs) restartTimes.shift();
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (restartTimes.length >= cfg.maxRestarts) {
        log(`app exited (${how}); ${restartTimes.length} restarts within ${cfg.restartWindowMs} ms already, giving up`);
        return finish(1, 'gave_up');
      }
      restartTimes.push(now);
      state.restarts += 1;
      log(`app exited (${how}); restarting (${restartTimes.length}/${cfg.maxRestarts})`);
      saveState('restarting');
      restartTimer = setTimeout(startApp, cfg.restartDelayMs);
    };

    function startApp(): void {
      restartTimer = null;
      if (stopping) return;
      // A socket file left by the previous run would make the app's listen() fail with EADDRINUSE.
      if (cfg.socketPath) rmSync(cfg.socketPath, { force: true });
      const child = spawn(cfg.command, cfg.args, { cwd: cfg.appDir, env: cfg.env, stdio: ['ignore', logFd, logFd] });
      app = child;
      child.once('exit', (code, signal) => onAppExit(child, code, signal));
      child.once('error', (e) => {
        log(`could not start app: ${e.message}`);
        onAppExit(child, null, null);
      });
      state.appPid = child.pid ?? null;
      log(`app started (pid ${child.pid ?? '?'}) on port ${cfg.port}`);
      saveState('running');
    }

    function requestStop(): void {
      if (stopping) return;
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const child = app;
      if (!child) return finish(0, 'stopped');
      saveState('stopping');
      log(`stopping app (pid ${child.pid ?? '?'})`);
      child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        log(`app still running after ${cfg.stopGraceMs} ms, sending SIGKILL`);
        child.kill('SIGKILL');
      }, cfg.stopGraceMs);
    }

    process.on('SIGTERM', requestStop);
    process.on('SIGINT', requestStop);
    if (cfg.parentPid !== null) {
      const parentPid = cfg.parentPid;
      parentTimer = setInterval(() => {
        if (isPidAlive(parentPid)) return;
        log(`parent process ${parentPid} is gone and the preview was not detached`);
        requestStop();
      }, PARENT_CHECK_MS);
    }
    if (cfg.socketPath) {
      forwarder = forwardToSocket(createServer(), cfg.socketPath);
      forwarder.once('error', (e) => {
        log(`cannot listen on 127.0.0.1:${cfg.port}: ${e.message}`);
        requestStop();
      });
      forwarder.listen({ port: cfg.port, host: '127.0.0.1', exclusive: true });
    }
    startApp();
  });
}
