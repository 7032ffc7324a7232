/**
 * Reads config.yaml and the environment once, validates, resolves paths and picks each adapter.
 * Nothing else in Catalyst reads `process.env`: callers pass `env` in (the CLI passes process.env).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { MODEL_AGENTS } from '../contracts/llm.ts';
import { resolveModelSettings, type ModelSettings } from './models.ts';
import { ConfigFileSchema, type ConfigFile } from './schema.ts';
import { refuseUnsupportedKeys } from './unsupported.ts';

/**
 * The built-in defaults are the example file itself, so `${POSTGRES_URL:-}` and friends are read from
 * the environment whether or not the user has a file, and the example cannot drift from the defaults.
 */
export const EXAMPLE_CONFIG_FILE = new URL('../../config/catalyst.example.yaml', import.meta.url).pathname;

export type StateStoreChoice = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; poolSize: number };
export type DocumentStoreChoice = { kind: 'state-jsonb' } | { kind: 'mongodb'; url: string; database: string };
export type BusChoice = { kind: 'in-process' } | { kind: 'rabbitmq'; url: string };
export type CacheChoice = { kind: 'memory' } | { kind: 'redis'; url: string };
export type VectorChoice = { kind: 'state' } | { kind: 'qdrant'; url: string };

/** Where one setting came from: `env POSTGRES_URL`, the user's file, a command-line flag, or the built-in default. */
export type SettingSource = `env ${string}` | 'file' | 'flag' | 'default';

export interface CatalystConfig extends ConfigFile {
  /** Where the values came from, for start-up logs and error messages. */
  source: { file: string | null; keys: Readonly<Record<string, SettingSource>> };
  /** Catalyst's own version (its package.json), for the API description and start-up logs. */
  version: string;
  paths: {
    /** Catalyst's install folder; generated apps resolve their packages from its node_modules. */
    install: string;
    nodeModules: string;
    /** The built web UI that `catalyst serve` serves. */
    webDist: string;
    dataDir: string;
    repos: string;
    worktrees: string;
    artifacts: string;
    previews: string;
    pgliteDir: string;
    /** Explorer scans: `<explorer>/<scan-id>/` (spec §4.7 output). */
    explorer: string;
  };
  adapters: {
    state: StateStoreChoice;
    documents: DocumentStoreChoice;
    bus: BusChoice;
    cache: CacheChoice;
    vectors: VectorChoice;
  };
  /** A minimal environment for child processes (generated apps never see Catalyst's secrets). */
  childEnv: Record<string, string>;
  /**
   * The language models per agent, prices, response cache and per-task budget (`llm`, `budget`,
   * `agents.<name>.llm` / `llm_model` and CATALYST_LLM_*), resolved once. Every agent null: no model.
   */
  models: ModelSettings;
  /** Values that must never appear in a log, event, artifact, error or the UI (API keys, tokens). */
  secrets: readonly string[];
}

export interface LoadConfigOptions {
  /** Explicit file (--config); otherwise CATALYST_CONFIG, then ./config/catalyst.yaml, then defaults. */
  file?: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Dotted-path overrides from CLI flags, e.g. { 'orchestration.mode': 'event_driven' }. */
  overrides?: Record<string, unknown>;
  /**
   * What a command prefers where neither the file, the environment nor a flag chose (the CLI keeps its
   * terminal quiet with `logging.level: warn`, yet LOG_LEVEL=debug still wins).
   */
  commandDefaults?: Record<string, unknown>;
}

/** Where this copy of Catalyst is installed: two folders up from src/config/. */
const INSTALL_DIR = resolve(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(INSTALL_DIR, 'package.json'), 'utf8')) as { version: string }).version;

const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

const WHOLE_PLACEHOLDER = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * `${VAR}` and `${VAR:-default}` in every string value; an unset VAR without default becomes ''.
 * A value that is exactly one placeholder is read as a number or boolean when it looks like one, so
 * `port: ${PORT:-3000}` validates as a number.
 */
export function interpolate(
  value: unknown,
  env: Record<string, string | undefined>,
  onEnvUsed?: (path: string, variable: string) => void,
  path: string[] = [],
): unknown {
  if (typeof value === 'string') {
    const replaced = value.replace(INTERPOLATION, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') {
        onEnvUsed?.(path.join('.'), name);
        return v;
      }
      return fallback ?? '';
    });
    return WHOLE_PLACEHOLDER.test(value) ? scalarOf(replaced) : replaced;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, onEnvUsed, [...path, String(i)]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, onEnvUsed, [...path, k]);
    return out;
  }
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The user's file laid over the defaults: mappings merge key by key, anything else replaces. */
function overlay(base: Record<string, unknown>, top: Record<string, unknown>, onSet: (path: string) => void, path: string[] = []) {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    const here = [...path, key];
    const under = out[key];
    if (isMapping(value) && isMapping(under)) out[key] = overlay(under, value, onSet, here);
    else {
      out[key] = value;
      leafPaths(value, here).forEach(onSet);
    }
  }
  return out;
}

function leafPaths(value: unknown, path: string[]): string[] {
  if (!isMapping(value)) return [path.join('.')];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...path, k]));
}

function scalarOf(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function locateFile(opts: LoadConfigOptions): string | null {
  const explicit = opts.file ?? opts.env.CATALYST_CONFIG;
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : resolve(opts.cwd, explicit);
    if (!existsSync(path)) {
      throw new AppError('invalid_config', `config file ${path} does not exist`, {
        hint: 'pass an existing file with --config, or copy config/catalyst.example.yaml to config/catalyst.yaml',
      });
    }
    return path;
  }
  const conventional = resolve(opts.cwd, 'config/catalyst.yaml');
  return existsSync(conventional) ? conventional : null;
}

function readYaml(path: string): unknown {
  const doc = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new AppError('invalid_config', `${path}${where}: ${first.message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax (indentation, quotes, colons) at that place',
    });
  }
  return doc.toJS() ?? {};
}

function describeIssues(error: z.ZodError, file: string | null): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.') || '(root)';
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message;
      return `${file ?? 'configuration'}: ${key}: ${message}`;
    })
    .join('\n');
}

export function loadConfig(opts: LoadConfigOptions): Readonly<CatalystConfig> {
  const file = locateFile(opts);
  const raw = file ? readYaml(file) : {};
  if (!isMapping(raw)) {
    throw new AppError('invalid_config', `${file}: the top level must be a mapping of keys`, {
      hint: 'start from config/catalyst.example.yaml',
    });
  }
  const sources: Record<string, SettingSource> = {};
  const fromEnv = (path: string, variable: string) => (sources[path] = `env ${variable}`);
  refuseUnsupportedKeys(raw, file);
  const defaults = interpolate(readYaml(EXAMPLE_CONFIG_FILE), opts.env, fromEnv) as Record<string, unknown>;
  const mine = interpolate(raw, opts.env) as Record<string, unknown>;
  const merged = overlay(defaults, mine, (path) => (sources[path] = 'file'));
  // A placeholder in the user's own file that an environment variable filled is the environment's doing.
  interpolate(raw, opts.env, fromEnv);
  const overrides = Object.entries(opts.overrides ?? {}).filter(([, v]) => v !== undefined);
  for (const [key, value] of overrides) {
    setPath(merged, key, value);
    sources[key] = 'flag';
  }
  for (const [key, value] of Object.entries(opts.commandDefaults ?? {})) {
    if (sources[key] === undefined) setPath(merged, key, value);
  }
  const modelKeys = takeModelKeys(merged);
  const parsed = ConfigFileSchema.safeParse(merged);
  if (!parsed.success) {
    throw new AppError('invalid_config', describeIssues(parsed.error, file), {
      hint: 'compare with config/catalyst.example.yaml, which lists every key with its default',
    });
  }
  refuseDisabledMode(parsed.data, file);
  refuseUntestedBuilds(parsed.data, file);
  const dataDir = resolve(opts.cwd, parsed.data.storage.data_dir);
  const models = resolveModelSettings(modelKeys, { env: opts.env, dataDir, file });
  return deepFreeze({ ...resolveConfig(parsed.data, { file, keys: sources }, opts), models, secrets: secretsOf(parsed.data, models) });
}

/**
 * Moves the model keys (`llm`, `budget`, `agents.<model agent>.llm` and `llm_model`) out of the merged
 * mapping: src/config/models.ts validates and resolves them; ConfigFileSchema owns everything else.
 * The defaults come from the example file, whose `${CATALYST_LLM_…}` placeholders bring in the environment.
 */
function takeModelKeys(merged: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['llm', 'budget'] as const) {
    if (Object.hasOwn(merged, key)) {
      out[key] = merged[key];
      delete merged[key];
    }
  }
  const agents = merged.agents;
  if (isMapping(agents)) {
    const own: Record<string, unknown> = {};
    for (const agent of MODEL_AGENTS) {
      const section = agents[agent];
      if (!isMapping(section)) continue;
      const { llm, llm_model, ...rest } = section;
      if (llm !== undefined || llm_model !== undefined)
        own[agent] = { ...(llm !== undefined ? { llm } : {}), ...(llm_model !== undefined ? { llm_model } : {}) };
      agents[agent] = rest;
    }
    out.agents = own;
  }
  return out;
}

/** Every configured secret, for redaction wherever text leaves Catalyst. */
function secretsOf(cfg: ConfigFile, models: ModelSettings): string[] {
  const all = [...models.secrets, cfg.auth.token, cfg.storage.git.github_token].filter((s) => s.length > 0);
  return [...new Set(all)];
}

/** `orchestration.<mode>.enabled: false` switches a mode off: choosing it anyway is a configuration error, not a silent fallback. */
function refuseDisabledMode(cfg: ConfigFile, file: string | null): void {
  const mode = cfg.orchestration.mode;
  const enabled = mode === 'sequential' ? cfg.orchestration.sequential.enabled : cfg.orchestration.event_driven.enabled;
  if (enabled) return;
  const other = mode === 'sequential' ? 'event_driven' : 'sequential';
  throw new AppError(
    'invalid_config',
    `${file ?? 'configuration'}: orchestration.mode is ${mode}, but orchestration.${mode}.enabled is false`,
    {
      hint: `choose --mode ${other}, or set orchestration.${mode}.enabled: true`,
    },
  );
}

/** A build is always tested: turning off both kinds of the app's node tests would approve untested code. */
function refuseUntestedBuilds(cfg: ConfigFile, file: string | null): void {
  const t = cfg.agents.tester;
  if (t.run_unit_tests || t.run_integration_tests) return;
  throw new AppError(
    'invalid_config',
    `${file ?? 'configuration'}: agents.tester.run_unit_tests and run_integration_tests are both false`,
    {
      hint: 'keep at least one of them true; the reviewer approves only tested code',
    },
  );
}

/** Where a key's value came from; keys nobody set are the built-in default. */
export function sourceOf(config: Pick<CatalystConfig, 'source'>, key: string): SettingSource {
  return config.source.keys[key] ?? 'default';
}

function resolveConfig(
  cfg: ConfigFile,
  source: CatalystConfig['source'],
  opts: LoadConfigOptions,
): Omit<CatalystConfig, 'models' | 'secrets'> {
  const env = opts.env;
  const dataDir = resolve(opts.cwd, cfg.storage.data_dir);
  const under = (p: string, fallback: string) => (p ? resolve(opts.cwd, p) : resolve(dataDir, fallback));
  const postgresUrl = cfg.storage.databases.postgres.url;
  const mongoUrl = cfg.storage.databases.mongodb.url;
  const childEnv: Record<string, string> = {};
  // Proxies and CA bundles too: children that reach the network (npm audit, the explorer's git clones) need them.
  const proxyAndCa = [
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'all_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    'ALL_PROXY',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
    'GIT_SSL_CAINFO',
    'GIT_SSL_CAPATH',
  ];
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR', ...proxyAndCa]) {
    const v = env[key];
    if (v) childEnv[key] = v;
  }
  return {
    ...cfg,
    preview: { ...cfg.preview, docker: dockerFromEnv(cfg.preview.docker, env, opts.cwd) },
    source,
    version: VERSION,
    paths: {
      install: INSTALL_DIR,
      nodeModules: join(INSTALL_DIR, 'node_modules'),
      webDist: join(INSTALL_DIR, 'web', 'dist'),
      dataDir,
      repos: under(cfg.storage.git.local_path, 'repos'),
      worktrees: resolve(dataDir, 'worktrees'),
      artifacts: under(cfg.storage.artifacts.path, 'artifacts'),
      previews: resolve(dataDir, 'previews'),
      pgliteDir: resolve(dataDir, 'data'),
      explorer: resolve(dataDir, 'explorer'),
    },
    adapters: {
      state: postgresUrl
        ? { kind: 'postgres', url: postgresUrl, poolSize: cfg.storage.databases.postgres.pool_size }
        : { kind: 'pglite', dataDir: resolve(dataDir, 'data') },
      documents: mongoUrl ? { kind: 'mongodb', url: mongoUrl, database: cfg.storage.databases.mongodb.database } : { kind: 'state-jsonb' },
      bus: cfg.orchestration.event_driven.rabbitmq_url
        ? { kind: 'rabbitmq', url: cfg.orchestration.event_driven.rabbitmq_url }
        : { kind: 'in-process' },
      cache: cfg.storage.redis.url ? { kind: 'redis', url: cfg.storage.redis.url } : { kind: 'memory' },
      vectors: cfg.storage.qdrant.url ? { kind: 'qdrant', url: cfg.storage.qdrant.url } : { kind: 'state' },
    },
    childEnv,
  };
}

/**
 * The Docker CLI's own variables, read as `docker` reads them, so docker mode finds the same engine
 * with the same certificates; a value in the file wins over the environment.
 */
function dockerFromEnv(
  docker: ConfigFile['preview']['docker'],
  env: LoadConfigOptions['env'],
  cwd: string,
): ConfigFile['preview']['docker'] {
  const envVerify = env.DOCKER_TLS_VERIFY?.trim() ?? '';
  const tlsVerify = docker.tls_verify || (envVerify !== '' && envVerify !== '0');
  const certPath = docker.cert_path || env.DOCKER_CERT_PATH?.trim() || (tlsVerify ? join(env.HOME || homedir(), '.docker') : '');
  return {
    ...docker,
    host: docker.host || env.DOCKER_HOST?.trim() || '',
    tls_verify: tlsVerify,
    cert_path: certPath ? resolve(cwd, certPath) : '',
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
