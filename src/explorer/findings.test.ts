import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnalyzerResult, ExplorerFindings } from '../contracts/explorer.ts';
import { composeFindings, securityScore, similarityScore, techDebtScore } from './findings.ts';
import { embedText } from './embedding.ts';

function result(overrides: Partial<AnalyzerResult> = {}): AnalyzerResult {
  return AnalyzerResult.parse({
    technologies: [],
    security: [],
    entities: [],
    graph: { nodes: [], edges: [] },
    architecture: { style: 'relational database with 2 tables', components: [], notes: [] },
    improvements: [],
    ...overrides,
  });
}

describe('findings: scores, summary and suggestions', () => {
  test('the security score drops with each issue by its severity, never below 0', () => {
    const issue = (severity: 'critical' | 'high' | 'low' | 'info') => ({ severity, kind: 'secret', message: 'm', location: null });
    assert.equal(securityScore(result()), 100);
    assert.equal(securityScore(result({ security: [issue('high'), issue('low'), issue('info')] })), 82);
    assert.equal(securityScore(result({ security: Array.from({ length: 6 }, () => issue('critical')) })), 0);
  });

  test("a TypeScript + React + Fastify + PostgreSQL + Vitest project is as close to Catalyst's stack as it gets", () => {
    const tech = (name: string, category: 'language' | 'frontend' | 'backend' | 'database' | 'testing') => ({
      name,
      version: null,
      category,
      evidence: 'package.json',
    });
    const ours = result({
      technologies: [
        tech('TypeScript', 'language'),
        tech('React', 'frontend'),
        tech('Fastify', 'backend'),
        tech('pg', 'database'),
        tech('Vitest', 'testing'),
      ],
    });
    assert.equal(similarityScore(ours), 1);
    assert.equal(similarityScore(result({ technologies: [tech('Django', 'backend')] })), 0);
  });

  test('a repository without tests, CI, README or license carries debt; composed findings parse and suggest building the records', () => {
    const repo = result({
      improvements: ['Add a LICENSE file'],
      entities: [
        {
          source_name: 'orders',
          fields: [{ name: 'total', type: 'Decimal', source_type: 'numeric(10,2)', required: true }],
          evidence: 'schema.sql',
        },
      ] as AnalyzerResult['entities'],
      repository: {
        commit: 'abc',
        default_branch: 'main',
        files: 3,
        lines: 40,
        languages: [],
        license: null,
        has_tests: false,
        test_files: 0,
        has_ci: false,
        has_docker: false,
        readme_quality: 'missing',
        largest_files: [],
        complexity: null,
        dependencies: { manifests: [], runtime: [], dev: [], audit: { status: 'skipped', reason: 'quick depth' } },
        history: null,
      },
    });
    assert.equal(techDebtScore(repo), 50);
    const started = new Date('2026-11-25T10:00:00Z');
    const f = ExplorerFindings.parse(
      composeFindings({
        scanId: '7f3c2a10-0000-4000-8000-000000000001',
        scanType: 'github',
        target: 'https://git.example/app.git',
        startedAt: started,
        completedAt: new Date(started.getTime() + 1500),
        result: repo,
      }),
    );
    assert.equal(f.duration_ms, 1500);
    assert.equal(f.can_replicate, true);
    assert.match(f.summary, /1 kind of record: orders/);
    assert.match(f.suggested_tasks[0]!, /orders/);
    assert.ok(f.suggested_tasks.includes('Add a LICENSE file'));
    assert.ok(f.suggested_tasks.some((t) => /tests/.test(t)));
  });

  test('embeddings put scans with shared vocabulary closer than unrelated ones', () => {
    const cos = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const shop = embedText('React Fastify PostgreSQL orders customers products');
    const shop2 = embedText('React Express PostgreSQL orders customers invoices');
    const blog = embedText('Django templates posts comments tags');
    assert.ok(cos(shop, shop2) > cos(shop, blog));
    assert.ok(Math.abs(Math.hypot(...shop) - 1) < 1e-9);
  });
});
