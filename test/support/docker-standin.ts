/**
 * A local stand-in for the Docker Engine API on a Unix socket: the subset dockerode uses for docker
 * previews, spoken over real HTTP so the client's wire format (query strings, JSON bodies, the
 * gzipped build context, streamed build progress, multiplexed logs) is what gets tested.
 *
 * It keeps images, networks and containers in memory and records every request. Starting a
 * container that publishes a port opens a real HTTP server on that host port answering
 * `GET /health`, standing in for the app, so health waits run over real sockets too. An image built
 * from a Dockerfile containing `STANDIN_EXIT` starts and exits at once (with a log line), one
 * containing `STANDIN_BUILD_FAIL` fails to build.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface BuiltImage {
  tag: string;
  id: string;
  dockerfile: string;
  /** File paths in the build context, as the client packed them. */
  files: string[];
  /** The text of the Dockerfile the build used, read from the context. */
  dockerfileText: string;
  labels: Record<string, string>;
}

export interface StandInContainer {
  Id: string;
  Name: string;
  Created: number;
  Config: { Image: string; Env: string[]; Labels: Record<string, string>; ExposedPorts: Record<string, object> };
  HostConfig: Record<string, unknown> & { PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }>> };
  NetworkingConfig: unknown;
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number };
  logs: string[];
  app: Server | null;
}

export interface DockerStandIn {
  socketPath: string;
  requests: RecordedRequest[];
  images: Map<string, BuiltImage>;
  containers: Map<string, StandInContainer>;
  networks: Map<string, { Id: string; Name: string; Labels: Record<string, string> }>;
  /** Simulates the app dying inside a running container. */
  crash(id: string): Promise<void>;
  close(): Promise<void>;
}

/** Minimal ustar/pax reader: the names and contents of the regular files in a tar. */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  let paxPath: string | null = null;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) =>
      header
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const body = tar.subarray(at + 512, at + 512 + size);
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      paxPath = m ? m[1]! : null;
    } else {
      if (type === '0' || type === '\0') files.set(name, Buffer.from(body));
      paxPath = null;
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text);
}

function matchesLabels(labels: Record<string, string>, filters: string[]): boolean {
  return filters.every((f) => {
    const eq = f.indexOf('=');
    return eq < 0 ? f in labels : labels[f.slice(0, eq)] === f.slice(eq + 1);
  });
}

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export async function startDockerStandIn(): Promise<DockerStandIn> {
  const dir = mkdtempSync(join(tmpdir(), 'docker-standin-'));
  const socketPath = join(dir, 'docker.sock');
  const requests: RecordedRequest[] = [];
  const images = new Map<string, BuiltImage>();
  const containers = new Map<string, StandInContainer>();
  const networks = new Map<string, { Id: string; Name: string; Labels: Record<string, string> }>();
  let nextPid = 4000;

  function findContainer(ref: string): StandInContainer | undefined {
    const name = ref.replace(/^\//, '');
    for (const c of containers.values()) if (c.Id === ref || c.Id.startsWith(ref) || c.Name === `/${name}`) return c;
    return undefined;
  }

  async function stopContainer(c: StandInContainer, exitCode: number): Promise<void> {
    c.State = { ...c.State, Status: 'exited', Running: false, Pid: 0, ExitCode: exitCode };
    const app = c.app;
    c.app = null;
    if (app) await new Promise<void>((r) => app.close(() => r()));
  }

  async function startContainer(c: StandInContainer): Promise<void> {
    const image = images.get(c.Config.Image);
    if (image?.dockerfileText.includes('STANDIN_EXIT')) {
      c.logs.push('Error: the app crashed on start (STANDIN_EXIT)');
      c.State = { Status: 'running', Running: true, Pid: nextPid++, ExitCode: 0 };
      // It dies just after starting, as a crashing app does.
      setTimeout(() => void stopContainer(c, 1), 50);
      return;
    }
    const binding = Object.values(c.HostConfig.PortBindings ?? {})[0]?.[0];
    if (binding) {
      const app = createServer((req, res) => {
        if (req.url === '/health') send(res, 200, { status: 'ok', container: c.Name });
        else send(res, 200, `stand-in app ${c.Name}`);
      });
      await new Promise<void>((resolve, reject) => {
        app.once('error', reject);
        app.listen(Number(binding.HostPort), binding.HostIp || '127.0.0.1', () => resolve());
      });
      c.app = app;
    }
    c.logs.push(`listening (${c.Name})`);
    c.State = { Status: 'running', Running: true, Pid: nextPid++, ExitCode: 0 };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    // Versioned paths (/v1.43/…) are the same endpoints.
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = await readBody(req);
    const isJson = (req.headers['content-type'] ?? '').includes('json') && raw.length > 0;
    const body: unknown = isJson ? JSON.parse(raw.toString('utf8')) : raw.length > 0 ? `<${raw.length} bytes>` : null;
    requests.push({ method: req.method ?? 'GET', path, query, body });
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;

    if (method === 'GET' && path === '/_ping')
      return void res.writeHead(200, { 'content-type': 'text/plain', 'api-version': '1.45' }).end('OK');
    if (method === 'GET' && path === '/version') return send(res, 200, { Version: '27.0.0-standin', ApiVersion: '1.45', Os: 'linux' });

    if (method === 'POST' && path === '/build') {
      const tar = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
      const files = readTar(tar);
      const dockerfile = query.dockerfile ?? 'Dockerfile';
      const text = files.get(dockerfile)?.toString('utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      if (text === undefined) {
        res.end(
          `${JSON.stringify({ errorDetail: { message: `Cannot locate specified Dockerfile: ${dockerfile}` }, error: `Cannot locate specified Dockerfile: ${dockerfile}` })}\n`,
        );
        return;
      }
      res.write(`${JSON.stringify({ stream: `Step 1/1 : ${text.split('\n')[0]}\n` })}\n`);
      if (text.includes('STANDIN_BUILD_FAIL')) {
        res.end(
          `${JSON.stringify({ errorDetail: { code: 1, message: 'The command /bin/sh -c exit 1 returned a non-zero code: 1' }, error: 'The command /bin/sh -c exit 1 returned a non-zero code: 1' })}\n`,
        );
        return;
      }
      const id = `sha256:${randomBytes(32).toString('hex')}`;
      const tag = query.t ?? id;
      images.set(tag, {
        tag,
        id,
        dockerfile,
        files: [...files.keys()].sort(),
        dockerfileText: text,
        labels: query.labels ? (JSON.parse(query.labels) as Record<string, string>) : {},
      });
      res.write(`${JSON.stringify({ aux: { ID: id } })}\n`);
      res.end(`${JSON.stringify({ stream: `Successfully tagged ${tag}\n` })}\n`);
      return;
    }

    if (method === 'GET' && path === '/images/json') {
      const filters = query.filters ? (JSON.parse(query.filters) as { label?: string[] }) : {};
      const list = [...images.values()]
        .filter((i) => matchesLabels(i.labels, filters.label ?? []))
        .map((i) => ({ Id: i.id, RepoTags: [i.tag], Labels: i.labels }));
      return send(res, 200, list);
    }
    if (method === 'GET' && (m = /^\/images\/(.+)\/json$/.exec(path))) {
      const image = images.get(decodeURIComponent(m[1]!));
      if (!image) return send(res, 404, { message: `No such image: ${m[1]}` });
      return send(res, 200, { Id: image.id, RepoTags: [image.tag], Config: { Labels: image.labels } });
    }
    if (method === 'DELETE' && (m = /^\/images\/(.+)$/.exec(path))) {
      const name = decodeURIComponent(m[1]!);
      if (!images.delete(name)) return send(res, 404, { message: `No such image: ${name}` });
      return send(res, 200, [{ Untagged: name }]);
    }

    if (method === 'POST' && path === '/networks/create') {
      const spec = body as { Name: string; Labels?: Record<string, string> };
      if ([...networks.values()].some((n) => n.Name === spec.Name))
        return send(res, 409, { message: `network with name ${spec.Name} already exists` });
      const id = randomBytes(32).toString('hex');
      networks.set(id, { Id: id, Name: spec.Name, Labels: spec.Labels ?? {} });
      return send(res, 201, { Id: id, Warning: '' });
    }
    if (method === 'DELETE' && (m = /^\/networks\/([^/]+)$/.exec(path))) {
      const ref = decodeURIComponent(m[1]!);
      const net = [...networks.values()].find((n) => n.Id === ref || n.Name === ref);
      if (!net) return send(res, 404, { message: `network ${ref} not found` });
      networks.delete(net.Id);
      return send(res, 204);
    }

    if (method === 'POST' && path === '/containers/create') {
      const spec = body as {
        Image: string;
        Env?: string[];
        Labels?: Record<string, string>;
        ExposedPorts?: Record<string, object>;
        HostConfig?: Record<string, unknown>;
        NetworkingConfig?: unknown;
      };
      if (!images.has(spec.Image)) return send(res, 404, { message: `No such image: ${spec.Image}` });
      const name = query.name ?? randomBytes(6).toString('hex');
      if (findContainer(name)) return send(res, 409, { message: `Conflict. The container name "/${name}" is already in use` });
      const network = (spec.HostConfig?.NetworkMode as string | undefined) ?? 'bridge';
      if (network !== 'bridge' && ![...networks.values()].some((n) => n.Name === network))
        return send(res, 404, { message: `network ${network} not found` });
      const id = randomBytes(32).toString('hex');
      containers.set(id, {
        Id: id,
        Name: `/${name}`,
        Created: Math.floor(Date.now() / 1000),
        Config: { Image: spec.Image, Env: spec.Env ?? [], Labels: spec.Labels ?? {}, ExposedPorts: spec.ExposedPorts ?? {} },
        HostConfig: spec.HostConfig ?? {},
        NetworkingConfig: spec.NetworkingConfig ?? null,
        State: { Status: 'created', Running: false, Pid: 0, ExitCode: 0 },
        logs: [],
        app: null,
      });
      return send(res, 201, { Id: id, Warnings: [] });
    }

    if (method === 'GET' && path === '/containers/json') {
      const filters = query.filters ? (JSON.parse(query.filters) as { label?: string[] }) : {};
      const list = [...containers.values()]
        .filter((c) => query.all === 'true' || query.all === '1' || c.State.Running)
        .filter((c) => matchesLabels(c.Config.Labels, filters.label ?? []))
        .map((c) => ({
          Id: c.Id,
          Names: [c.Name],
          Image: c.Config.Image,
          Labels: c.Config.Labels,
          State: c.State.Status,
          Status: c.State.Status,
          Created: c.Created,
        }));
      return send(res, 200, list);
    }

    if ((m = /^\/containers\/([^/]+)(?:\/(start|stop|json|logs))?$/.exec(path))) {
      const c = findContainer(decodeURIComponent(m[1]!));
      if (!c) return send(res, 404, { message: `No such container: ${m[1]}` });
      const action = m[2];
      if (method === 'POST' && action === 'start') {
        if (c.State.Running) return send(res, 304);
        await startContainer(c);
        return send(res, 204);
      }
      if (method === 'POST' && action === 'stop') {
        if (!c.State.Running) return send(res, 304);
        await stopContainer(c, 0);
        return send(res, 204);
      }
      if (method === 'GET' && action === 'json') {
        const { logs: _logs, app: _app, ...info } = c;
        const ports: Record<string, Array<{ HostIp: string; HostPort: string }>> = c.State.Running ? (c.HostConfig.PortBindings ?? {}) : {};
        return send(res, 200, { ...info, NetworkSettings: { Ports: ports } });
      }
      if (method === 'GET' && action === 'logs') {
        const tail = query.tail && query.tail !== 'all' ? Number(query.tail) : c.logs.length;
        const lines = c.logs.slice(-tail);
        res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
        return void res.end(Buffer.concat(lines.map((l, i) => frame(i % 2 === 0 ? 1 : 2, `${l}\n`))));
      }
      if (method === 'DELETE' && action === undefined) {
        if (c.State.Running && query.force !== 'true' && query.force !== '1') {
          return send(res, 409, {
            message: `You cannot remove a running container ${c.Id}. Stop the container before attempting removal or force remove`,
          });
        }
        await stopContainer(c, 137);
        containers.delete(c.Id);
        return send(res, 204);
      }
    }
    send(res, 404, { message: `page not found: ${method} ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(e) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });

  return {
    socketPath,
    requests,
    images,
    containers,
    networks,
    async crash(id) {
      const c = findContainer(id);
      if (c) await stopContainer(c, 137);
    },
    async close() {
      for (const c of containers.values()) await stopContainer(c, 137);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
