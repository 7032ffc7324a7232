/**
 * Docker previews against a stand-in engine that speaks the Docker Engine API over a Unix socket
 * (test/support/docker-standin.ts): what dockerode sends is real HTTP, checked at the other end.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../config/index.ts';
import { AppError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import { openPreviewRuntime } from '../../../runtime/open-ports.ts';
import { startDockerStandIn, type DockerStandIn } from '../../../../test/support/docker-standin.ts';
import { choosePreviewMode, parseDockerHost } from './docker-engine.ts';
import { createDockerPreviewRuntime, LABEL, type DockerPreviewRuntimeOptions } from './docker-preview-runtime.ts';

const BACKEND_DOCKERFILE =
  'FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY backend ./backend\nEXPOSE 3000\nCMD ["node", "backend/src/server.ts"]\n';
const FRONTEND_DOCKERFILE = 'FROM nginx:1.27-alpine\nCOPY frontend/nginx.conf /etc/nginx/conf.d/default.conf\nEXPOSE 8080\n';

function writeApp(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('docker preview runtime (stand-in engine)', () => {
  let engine: DockerStandIn;
  let root: string;
  let app: string;
  let options: DockerPreviewRuntimeOptions;
  let taskSeq = 0;
  const nextTask = () => `7f3c2a10-0000-4000-8000-${String(++taskSeq).padStart(12, '0')}`;

  before(async () => {
    engine = await startDockerStandIn();
    root = mkdtempSync(join(tmpdir(), 'docker-preview-'));
    app = writeApp(join(root, 'worktree'), {
      'Dockerfile.backend': BACKEND_DOCKERFILE,
      'Dockerfile.frontend': FRONTEND_DOCKERFILE,
      'package.json': '{"name":"shop","private":true}\n',
      'backend/src/server.ts': 'console.log("server")\n',
      'frontend/nginx.conf': 'server { listen 8080; }\n',
      'node_modules/left-pad/index.js': 'module.exports = 1\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'data/app.db': 'sqlite',
    });
    options = {
      endpoint: parseDockerHost(`unix://${engine.socketPath}`),
      previewsDir: join(root, 'previews'),
      portRange: { from: 19400, to: 19499 },
      memoryMb: 256,
      cpus: 1.5,
    };
  });
  after(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  const request = (taskId: string, extra: Partial<Parameters<ReturnType<typeof createDockerPreviewRuntime>['start']>[0]> = {}) => ({
    taskId,
    projectSlug: 'shop',
    sourceDir: app,
    reservedPorts: [],
    timeoutMs: 15_000,
    detached: true,
    deploymentId: `event-${taskId}`,
    ...extra,
  });

  const containersOf = (taskId: string) => [...engine.containers.values()].filter((c) => c.Config.Labels[LABEL.task] === taskId);

  test('builds each image from its own Dockerfile, from a context without node_modules, .git or data', async () => {
    const taskId = nextTask();
    const runtime = createDockerPreviewRuntime(options);
    await runtime.start(request(taskId));
    const backend = engine.images.get(`catalyst-preview/${taskId}-backend:latest`);
    const frontend = engine.images.get(`catalyst-preview/${taskId}-frontend:latest`);
    assert.ok(backend && frontend, `images built: ${[...engine.images.keys()].join(', ')}`);
    assert.equal(backend.dockerfile, 'Dockerfile.backend');
    assert.equal(backend.dockerfileText, BACKEND_DOCKERFILE);
    assert.equal(frontend.dockerfile, 'Dockerfile.frontend');
    assert.equal(frontend.dockerfileText, FRONTEND_DOCKERFILE);
    assert.ok(backend.files.includes('backend/src/server.ts') && backend.files.includes('frontend/nginx.conf'), backend.files.join(', '));
    assert.ok(
      !backend.files.some((f) => f.startsWith('node_modules') || f.startsWith('.git') || f.startsWith('data/')),
      backend.files.join(', '),
    );
    assert.equal(backend.labels[LABEL.task], taskId);
    await runtime.stop({ pid: null, workingCopy: join(options.previewsDir, taskId, 'app') });
  });

  test('runs the containers with the Traefik labels, limits and deployment label, and serves /health on the preview port', async () => {
    const taskId = nextTask();
    const runtime = createDockerPreviewRuntime(options);
    const handle = await runtime.start(request(taskId));
    const router = `shop-${taskId.slice(0, 8)}`;

    assert.equal(handle.mode, 'docker');
    assert.deepEqual(
      handle.containers?.map((c) => c.service),
      ['frontend', 'backend'],
    );
    const [front, back] = [handle.containers![0]!, handle.containers![1]!].map((c) => engine.containers.get(c.id)!);
    assert.ok(front && back);
    assert.equal(front.Config.Labels['traefik.enable'], 'true');
    assert.equal(front.Config.Labels[`traefik.http.routers.${router}.rule`], `Host(\`${router}.localhost\`)`);
    assert.equal(front.Config.Labels[`traefik.http.services.${router}.loadbalancer.server.port`], '8080');
    assert.equal(front.Config.Labels[LABEL.deployment], `event-${taskId}`);
    assert.equal(back.Config.Labels[LABEL.deployment], `event-${taskId}`);
    assert.equal(back.Config.Labels['traefik.enable'], undefined, 'only the serving container is routed');
    for (const c of [front, back]) {
      assert.equal(c.HostConfig.Memory, 256 * 1024 * 1024);
      assert.equal(c.HostConfig.NanoCpus, 1_500_000_000);
      assert.equal(c.State.Running, true);
    }
    assert.deepEqual(front.HostConfig.PortBindings, { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: String(handle.port) }] });
    assert.deepEqual(back.HostConfig.PortBindings, {}, 'the backend is reached through the frontend only');
    assert.ok(
      back.Config.Env.some((e) => /^JWT_SECRET=[0-9a-f]{64}$/.test(e)),
      'the backend gets a session secret',
    );
    assert.equal(
      front.Config.Env.some((e) => e.startsWith('JWT_SECRET=')),
      false,
    );
    // The frontend's nginx proxies to http://backend:3000: same network, alias `backend`.
    assert.equal(back.HostConfig.NetworkMode, front.HostConfig.NetworkMode);
    assert.deepEqual(back.NetworkingConfig, { EndpointsConfig: { [`catalyst-preview-${taskId}`]: { Aliases: ['backend'] } } });
    assert.ok(handle.port >= 19400 && handle.port <= 19499);
    assert.equal(handle.url, `http://127.0.0.1:${handle.port}`);
    assert.equal((await fetch(handle.healthUrl)).status, 200);
    assert.deepEqual(await runtime.inspect({ pid: null, port: handle.port, logPath: handle.logPath }).then((s) => [s.alive, s.healthy]), [
      true,
      true,
    ]);
    await runtime.stop({ pid: null, workingCopy: handle.workingCopy });
  });

  test('a redelivered deploy reuses the running containers; a restarted Catalyst adopts them', async () => {
    const taskId = nextTask();
    const first = await createDockerPreviewRuntime(options).start(request(taskId));
    const builds = engine.requests.filter((r) => r.path === '/build').length;
    const creates = engine.requests.filter((r) => r.path === '/containers/create').length;

    // A new runtime object is what a restarted Catalyst has: only the engine remembers.
    const restarted = createDockerPreviewRuntime(options);
    const seen = await restarted.inspect({ pid: null, port: first.port, logPath: first.logPath });
    assert.equal(seen.alive && seen.healthy, true);
    assert.ok((await restarted.list()).some((c) => c.taskId === taskId && c.service === 'frontend' && c.hostPort === first.port));
    const again = await restarted.start(request(taskId));

    assert.equal(engine.requests.filter((r) => r.path === '/build').length, builds, 'no rebuild');
    assert.equal(engine.requests.filter((r) => r.path === '/containers/create').length, creates, 'no new container');
    assert.deepEqual(
      again.containers?.map((c) => c.id),
      first.containers?.map((c) => c.id),
    );
    assert.equal(again.port, first.port);
    await restarted.stop({ pid: null, workingCopy: again.workingCopy });
  });

  test('a new deployment of the same task replaces the old containers', async () => {
    const taskId = nextTask();
    const runtime = createDockerPreviewRuntime(options);
    const first = await runtime.start(request(taskId, { deploymentId: 'event-one' }));
    const second = await runtime.start(request(taskId, { deploymentId: 'event-two' }));
    const ids = containersOf(taskId)
      .map((c) => c.Id)
      .sort();
    assert.deepEqual(ids, second.containers!.map((c) => c.id).sort());
    for (const old of first.containers!) assert.equal(engine.containers.has(old.id), false);
    assert.ok(containersOf(taskId).every((c) => c.Config.Labels[LABEL.deployment] === 'event-two'));
    await runtime.stop({ pid: null, workingCopy: second.workingCopy });
  });

  test('stop removes the containers, network, images and working copy, found by the task even without a container id', async () => {
    const taskId = nextTask();
    const runtime = createDockerPreviewRuntime(options);
    const handle = await runtime.start(request(taskId));
    assert.equal(containersOf(taskId).length, 2);
    await runtime.stop({ pid: null, workingCopy: handle.workingCopy });
    assert.equal(containersOf(taskId).length, 0);
    assert.equal(
      [...engine.networks.values()].some((n) => n.Name === `catalyst-preview-${taskId}`),
      false,
    );
    assert.equal(engine.images.has(`catalyst-preview/${taskId}-backend:latest`), false);
    assert.equal(existsSync(handle.workingCopy), false);
    assert.equal(existsSync(handle.logPath), true, 'the log stays for inspection');
    await assert.rejects(fetch(handle.healthUrl));
    const seen = await runtime.inspect({ pid: null, port: handle.port, logPath: handle.logPath });
    assert.equal(seen.alive, false);
    await runtime.stop({ pid: null, workingCopy: handle.workingCopy }); // idempotent
  });

  test('a restart from the same code reuses the images; changed code is rebuilt; the final stop removes them', async () => {
    const taskId = nextTask();
    const runtime = createDockerPreviewRuntime(options);
    const builds = () => engine.requests.filter((r) => r.path === '/build').length;
    const backendImage = `catalyst-preview/${taskId}-backend:latest`;
    const first = await runtime.start(request(taskId));
    const afterFirst = builds();

    // What the monitor does for a dead preview: stop it, keeping what was built, and start it again.
    await engine.crash(first.containers![0]!.id);
    await runtime.stop({ pid: null, workingCopy: first.workingCopy }, { keepBuild: true });
    assert.equal(containersOf(taskId).length, 0);
    assert.equal(engine.images.has(backendImage), true, 'the images stay for the restart');
    const second = await runtime.start(request(taskId, { deploymentId: 'event-restart' }));
    assert.equal(builds(), afterFirst, 'no rebuild for the same source');
    assert.equal((await fetch(second.healthUrl)).status, 200);
    assert.match(readFileSync(second.logPath, 'utf8'), /reusing catalyst-preview\/.+-backend:latest: built from this same source/);

    // The code changed between the two starts: both images are built again.
    const changed = writeApp(join(root, `worktree-${taskId}`), {
      'Dockerfile.backend': BACKEND_DOCKERFILE,
      'Dockerfile.frontend': FRONTEND_DOCKERFILE,
      'package.json': '{"name":"shop","private":true}\n',
      'backend/src/server.ts': 'console.log("server, changed")\n',
      'frontend/nginx.conf': 'server { listen 8080; }\n',
    });
    await runtime.stop({ pid: null, workingCopy: second.workingCopy }, { keepBuild: true });
    const third = await runtime.start(request(taskId, { sourceDir: changed, deploymentId: 'event-changed' }));
    assert.equal(builds(), afterFirst + 2);

    await runtime.stop({ pid: null, workingCopy: third.workingCopy });
    assert.equal(
      [...engine.images.keys()].some((tag) => tag.includes(taskId)),
      false,
      'the final stop removes the images',
    );
  });

  test('a container that dies is reported as not alive (the monitor then restarts it)', async () => {
    const taskId = nextTask();
    const runtime = createDockerPreviewRuntime(options);
    const handle = await runtime.start(request(taskId));
    await engine.crash(handle.containers![0]!.id);
    const seen = await runtime.inspect({ pid: null, port: handle.port, logPath: handle.logPath, containerId: handle.containers![0]!.id });
    assert.deepEqual([seen.alive, seen.healthy], [false, false]);
    assert.ok(
      seen.logTail.some((l) => l.includes('listening')),
      seen.logTail.join('\n'),
    );
    await runtime.stop({ pid: null, workingCopy: null, containerId: handle.containers![0]!.id });
    assert.equal(containersOf(taskId).length, 0);
  });

  test('an app that crashes on start fails with its log tail and leaves nothing running', async () => {
    const taskId = nextTask();
    const crashing = writeApp(join(root, 'crashing'), {
      'Dockerfile.backend': 'FROM node:20-bookworm-slim\nRUN echo STANDIN_EXIT\nEXPOSE 3000\n',
      'package.json': '{}\n',
    });
    const runtime = createDockerPreviewRuntime(options);
    const err = await runtime.start(request(taskId, { sourceDir: crashing })).then(
      () => assert.fail('start should fail'),
      (e: unknown) => e as AppError,
    );
    assert.equal(err.code, 'preview_unhealthy');
    assert.match(err.message, /stopped before answering GET \/health/);
    const tail = (err.details?.logTail as string[]).join('\n');
    assert.match(tail, /the app crashed on start/);
    assert.equal(containersOf(taskId).length, 0);
  });

  test('a failing image build fails the start with the build output', async () => {
    const taskId = nextTask();
    const broken = writeApp(join(root, 'broken'), {
      'Dockerfile.backend': 'FROM node:20-bookworm-slim\nRUN STANDIN_BUILD_FAIL\n',
      'package.json': '{}\n',
    });
    const err = await createDockerPreviewRuntime(options)
      .start(request(taskId, { sourceDir: broken }))
      .then(
        () => assert.fail('start should fail'),
        (e: unknown) => e as AppError,
      );
    assert.equal(err.code, 'preview_unhealthy');
    assert.match(err.message, /building catalyst-preview\/.*-backend:latest failed/);
    assert.match((err.details?.logTail as string[]).join('\n'), /returned a non-zero code/);
    assert.equal(
      engine.requests.some((r) => r.path === '/containers/create' && r.query.name?.includes(taskId)),
      false,
    );
  });

  test('an app without Dockerfile.backend is refused with a clear reason', async () => {
    const bare = writeApp(join(root, 'bare'), { 'package.json': '{}\n' });
    await assert.rejects(createDockerPreviewRuntime(options).start(request(nextTask(), { sourceDir: bare })), /no Dockerfile\.backend/);
  });
});

describe('preview mode detection', () => {
  let engine: DockerStandIn;
  let missing: string;
  before(async () => {
    engine = await startDockerStandIn();
    missing = join(mkdtempSync(join(tmpdir(), 'no-docker-')), 'docker.sock');
  });
  after(() => engine.close());

  test('auto picks docker when the engine answers /_ping', async () => {
    const choice = await choosePreviewMode('auto', `unix://${engine.socketPath}`);
    assert.equal(choice.mode, 'docker');
    assert.match(choice.reason, /answered \(Docker 27\.0\.0-standin/);
    assert.ok(engine.requests.some((r) => r.path === '/_ping'));
  });

  test('auto falls back to process when nothing answers, and says where it looked', async () => {
    const choice = await choosePreviewMode('auto', `unix://${missing}`);
    assert.equal(choice.mode, 'process');
    assert.match(choice.reason, new RegExp(`no Docker engine answered at unix://${missing}`));
  });

  test('a malformed DOCKER_HOST left in the environment, though unused, is reported, not thrown raw', async () => {
    // The Docker client library reads DOCKER_HOST itself even when given an explicit socket.
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'tcp://[::1';
    try {
      const choice = await choosePreviewMode('auto', `unix://${engine.socketPath}`);
      assert.equal(choice.mode, 'process');
      assert.match(choice.reason, /Docker client could not be set up/);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  test('docker without an engine fails at start-up with what was tried and how to fix it', async () => {
    const err = await choosePreviewMode('docker', missing).then(
      () => assert.fail('should throw'),
      (e: unknown) => e as AppError,
    );
    assert.equal(err.code, 'service_unavailable');
    assert.match(err.message, new RegExp(`GET /_ping at unix://${missing}`));
    assert.match(err.hint ?? '', /DOCKER_HOST/);
  });

  test('process mode never probes the engine', async () => {
    const before = engine.requests.length;
    const choice = await choosePreviewMode('process', `unix://${engine.socketPath}`);
    assert.equal(choice.mode, 'process');
    assert.equal(engine.requests.length, before);
  });

  test('engine addresses: default socket, unix, tcp; anything else is a config error', () => {
    assert.deepEqual(parseDockerHost(''), { kind: 'socket', socketPath: '/var/run/docker.sock', label: 'unix:///var/run/docker.sock' });
    assert.equal(parseDockerHost('tcp://10.0.0.5:2375').kind, 'tcp');
    assert.throws(() => parseDockerHost('ssh://me@host'), /not a Docker engine address/);
  });

  test('start-up (runtime.ts) reads DOCKER_HOST through the config, picks the runtime and logs which mode won', async () => {
    const lines: string[] = [];
    const logger: Logger = { debug() {}, info: (_o, msg) => void lines.push(String(msg)), warn() {}, error() {}, child: () => logger };
    const cwd = mkdtempSync(join(tmpdir(), 'docker-startup-'));
    const configFor = (mode: string, dockerHost: string) =>
      loadConfig({ env: { DOCKER_HOST: dockerHost }, cwd, overrides: { 'preview.mode': mode } });

    assert.equal((await openPreviewRuntime(configFor('auto', `unix://${engine.socketPath}`), logger)).mode, 'docker');
    assert.match(lines.at(-1) ?? '', /^preview runtime: docker \(preview\.mode is auto and the Docker engine at unix:\/\/.*answered/);
    assert.equal((await openPreviewRuntime(configFor('auto', `unix://${missing}`), logger)).mode, 'process');
    assert.match(lines.at(-1) ?? '', /^preview runtime: process \(preview\.mode is auto and no Docker engine answered/);
    await assert.rejects(
      openPreviewRuntime(configFor('docker', `unix://${missing}`), logger),
      /preview\.mode is docker but no Docker engine answered/,
    );
    rmSync(cwd, { recursive: true, force: true });
  });
});
