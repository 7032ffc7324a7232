/**
 * Database targets come from users: this parses one without ever echoing it back, so a password in
 * the URL can reach neither an error, a result nor a log. `display` is the only form that leaves.
 */
import { AppError } from '../../core/errors.ts';

export type Dialect = 'postgres' | 'mysql' | 'mongodb';

const SCHEMES: Record<string, Dialect> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
  mongodb: 'mongodb',
  'mongodb+srv': 'mongodb',
};
const DEFAULT_PORTS: Record<Dialect, number> = { postgres: 5432, mysql: 3306, mongodb: 27017 };
export const ACCEPTED_SCHEMES_HINT =
  'use postgres:// or postgresql:// (PostgreSQL), mysql:// or mariadb:// (MySQL, MariaDB), mongodb:// or mongodb+srv:// (MongoDB), e.g. postgres://user@db.example.com:5432/shop';

export interface HostPort {
  host: string;
  /** null only for mongodb+srv, where DNS names the ports. */
  port: number | null;
}

export interface DatabaseTarget {
  dialect: Dialect;
  scheme: string;
  hosts: HostPort[];
  database: string | null;
  username: string | null;
  password: string | null;
  params: URLSearchParams;
  /** scheme://host:port/db — the only form of the target that may appear anywhere. */
  display: string;
  /** Every spelling of the credentials, to scrub from driver messages as a last line of defence. */
  secrets: string[];
}

function invalid(message: string, hint: string = ACCEPTED_SCHEMES_HINT): AppError {
  return new AppError('invalid_option', message, { hint, retryable: false });
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parseHost(part: string, dialect: Dialect, srv: boolean): HostPort {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(part);
  if (!m || !m[1]) throw invalid('the database URL has a malformed host', 'write the host as name, name:port or [ipv6]:port');
  const port = m[2] === undefined ? (srv ? null : DEFAULT_PORTS[dialect]) : Number(m[2]);
  if (port !== null && (port < 1 || port > 65535)) throw invalid('the database URL has a port outside 1–65535', 'fix the port in the URL');
  if (srv && m[2] !== undefined) throw invalid('a mongodb+srv:// URL cannot carry a port', 'drop the port; DNS SRV records name it');
  return { host: decode(m[1]), port };
}

/**
 * Splits scheme://[user[:password]@]host[:port][,host…][/database][?params] by hand: WHATWG URL
 * rejects MongoDB and PostgreSQL multi-host lists, and passwords with an unescaped @ are common.
 */
export function parseDatabaseTarget(
  target: string,
  credentials: { username?: string | undefined; password?: string | undefined } = {},
): DatabaseTarget {
  const trimmed = target.trim();
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed);
  const scheme = schemeMatch?.[1]?.toLowerCase();
  const dialect = scheme === undefined ? undefined : SCHEMES[scheme];
  if (!scheme || !dialect) {
    throw invalid(scheme ? `database URLs with the scheme ${scheme}:// are not supported` : 'the database target is not a URL');
  }
  let rest = trimmed.slice(schemeMatch![0].length);
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt >= 0 ? rest.slice(0, queryAt) : rest;
  const query = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  const at = beforeQuery.lastIndexOf('@');
  const userinfo = at >= 0 ? beforeQuery.slice(0, at) : null;
  const location = at >= 0 ? beforeQuery.slice(at + 1) : beforeQuery;
  const slash = location.indexOf('/');
  const hostList = slash >= 0 ? location.slice(0, slash) : location;
  const path = slash >= 0 ? decode(location.slice(slash + 1)) : '';
  if (hostList === '')
    throw invalid('the database URL names no host', 'put the server in the URL, e.g. postgres://db.example.com:5432/shop');
  if (path.includes('/')) throw invalid('the database URL path must be a single database name', 'end the URL with /<database>');

  const srv = scheme === 'mongodb+srv';
  const hosts = hostList.split(',').map((h) => parseHost(h, dialect, srv));
  let urlUser: string | null = null;
  let urlPassword: string | null = null;
  if (userinfo !== null) {
    const colon = userinfo.indexOf(':');
    urlUser = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo) || null;
    urlPassword = colon >= 0 ? decode(userinfo.slice(colon + 1)) : null;
  }
  const username = credentials.username ?? urlUser;
  const password = credentials.password ?? urlPassword;
  const secrets = [password, urlPassword, userinfo?.slice(userinfo.indexOf(':') + 1)]
    // One- and two-character "secrets" would shred every message they appear in; drivers never echo passwords anyway.
    .filter((s): s is string => typeof s === 'string' && s.length >= 3);

  const database = path === '' ? null : path;
  const shownHosts = hosts.map((h) => (h.port === null ? h.host : `${h.host}:${h.port}`)).join(',');
  return {
    dialect,
    scheme,
    hosts,
    database,
    username,
    password,
    params: new URLSearchParams(query),
    display: `${scheme}://${shownHosts}/${database ?? ''}`,
    secrets: [...new Set(secrets)],
  };
}

/** Removes every spelling of the credentials from a message before it leaves the analyzer. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}
