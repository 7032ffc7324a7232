/**
 * The database analyzer (spec §4.7 C): connects read-only to PostgreSQL, MySQL/MariaDB or MongoDB,
 * reads the schema (or samples the collections), and reports entities, relationships, indexes,
 * slow queries, security issues and optimizations as an AnalyzerResult with `database` filled.
 */
import { AnalyzerResult } from '../../contracts/explorer.ts';
import { AppError } from '../../core/errors.ts';
import { ScanBudget } from './budget.ts';
import type { ScannedDatabase } from './model.ts';
import { scanMongo } from './mongodb.ts';
import { openMysql, scanMysql } from './mysql.ts';
import { openPostgres, scanPostgres, type SqlSession } from './postgres.ts';
import { buildResult } from './report.ts';
import { parseDatabaseTarget, type DatabaseTarget } from './target.ts';

export interface AnalyzeDatabaseOptions {
  /** postgres://, postgresql://, mysql://, mariadb://, mongodb:// or mongodb+srv:// URL. */
  target: string;
  /** Replace the user and password in the URL, if any. */
  username?: string;
  password?: string;
  signal: AbortSignal;
  /** The whole scan, connecting included. Default 15 s. */
  timeoutMs?: number;
  /** Tables (collections) read at most; the rest are counted and named in a note. Default 500. */
  maxTables?: number;
  /** MongoDB documents sampled per collection. Default 50. */
  sampleSize?: number;
}

const DEFAULTS = { timeoutMs: 15_000, maxTables: 500, sampleSize: 50 };

function bounded(value: number | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('invalid_option', `${name} must be a whole number from ${min} to ${max}`, {
      hint: `pass ${name} between ${min} and ${max}, or leave it out for ${fallback}`,
      retryable: false,
    });
  }
  return value;
}

/** The scan's own SQL connection, read-only from the start; exported so the guarantee can be tested. */
export async function openReadOnlyConnection(opts: {
  target: string;
  username?: string;
  password?: string;
  signal: AbortSignal;
  timeoutMs?: number;
}): Promise<SqlSession> {
  const target = parseDatabaseTarget(opts.target, { username: opts.username, password: opts.password });
  if (target.dialect === 'mongodb') {
    throw new AppError('invalid_option', 'MongoDB scans have no SQL connection', {
      hint: 'use a postgres:// or mysql:// URL',
      retryable: false,
    });
  }
  const budget = new ScanBudget(opts.signal, bounded(opts.timeoutMs, 'timeoutMs', 100, 600_000, DEFAULTS.timeoutMs), target);
  let session: SqlSession;
  try {
    session = target.dialect === 'postgres' ? await openPostgres(target, budget) : await openMysql(target, budget);
  } catch (e) {
    budget.dispose();
    throw e;
  }
  budget.phase = 'reading';
  return {
    query: (sql, params) => session.query(sql, params),
    async close() {
      await session.close();
      budget.dispose();
    },
  };
}

async function scan(
  target: DatabaseTarget,
  budget: ScanBudget,
  limits: { maxTables: number; sampleSize: number },
): Promise<ScannedDatabase> {
  if (target.dialect === 'mongodb') return scanMongo(target, budget, limits);
  if (target.dialect === 'postgres') {
    const session = await openPostgres(target, budget);
    budget.phase = 'reading';
    try {
      return await scanPostgres(session, target, budget, limits);
    } finally {
      await session.close();
    }
  }
  const session = await openMysql(target, budget);
  budget.phase = 'reading';
  try {
    return await scanMysql(session, target, budget, limits);
  } finally {
    await session.close();
  }
}

export async function analyzeDatabase(opts: AnalyzeDatabaseOptions): Promise<AnalyzerResult> {
  const timeoutMs = bounded(opts.timeoutMs, 'timeoutMs', 100, 600_000, DEFAULTS.timeoutMs);
  const maxTables = bounded(opts.maxTables, 'maxTables', 1, 100_000, DEFAULTS.maxTables);
  const sampleSize = bounded(opts.sampleSize, 'sampleSize', 1, 1000, DEFAULTS.sampleSize);
  const target = parseDatabaseTarget(opts.target, { username: opts.username, password: opts.password });
  const budget = new ScanBudget(opts.signal, timeoutMs, target);
  try {
    budget.throwIfStopped();
    const scanned = await scan(target, budget, { maxTables, sampleSize });
    return AnalyzerResult.parse(buildResult(scanned));
  } finally {
    budget.dispose();
  }
}

export { parseDatabaseTarget } from './target.ts';
