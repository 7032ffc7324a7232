/** Reads a JUnit XML report (Node's junit reporter, also Jest/pytest) into counts and failures. */
import { XMLParser } from 'fast-xml-parser';
import type { TestFailure } from '../../contracts/events.ts';

export interface JunitCase {
  suite: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  message: string;
  seconds: number;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

type Node = Record<string, unknown>;

function collect(node: Node, suitePath: string[], out: JunitCase[]): void {
  for (const tc of (node.testcase as Node[] | undefined) ?? []) {
    const failure = (tc.failure ?? tc.error) as Node | string | undefined;
    const skipped = tc.skipped !== undefined;
    const message =
      failure === undefined ? '' : typeof failure === 'string' ? failure : String(failure.message ?? failure['#text'] ?? 'failed');
    out.push({
      suite: suitePath.join(' › ') || '(top level)',
      name: String(tc.name ?? ''),
      status: failure !== undefined ? 'failed' : skipped ? 'skipped' : 'passed',
      message: message.split('\n')[0]!.slice(0, 500),
      seconds: Number(tc.time ?? 0) || 0,
    });
  }
  for (const suite of (node.testsuite as Node[] | undefined) ?? []) {
    collect(suite, [...suitePath, String(suite.name ?? '')], out);
  }
}

export function parseJunit(xml: string): JunitCase[] {
  const doc = parser.parse(xml) as Node;
  const root = (doc.testsuites as Node | undefined) ?? doc;
  const out: JunitCase[] = [];
  collect(root, [], out);
  return out;
}

export function countCases(cases: readonly JunitCase[]) {
  return {
    total: cases.length,
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
    seconds: cases.reduce((s, c) => s + c.seconds, 0),
  };
}

export function failuresOf(cases: readonly JunitCase[]): TestFailure[] {
  return cases.filter((c) => c.status === 'failed').map((c) => ({ suite: c.suite, name: c.name, message: c.message }));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Writes cases back as one JUnit document, one <testsuite> per suite path, so the per-kind reports
 * (backend, frontend, e2e) and the merged junit.xml are the same cases the counts came from.
 */
export function toJunitXml(cases: readonly JunitCase[], name: string): string {
  const suites = new Map<string, JunitCase[]>();
  for (const c of cases) suites.set(c.suite, [...(suites.get(c.suite) ?? []), c]);
  const n = countCases(cases);
  const out = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<testsuites name="${esc(name)}" tests="${n.total}" failures="${n.failed}" skipped="${n.skipped}" time="${n.seconds.toFixed(3)}">`,
  ];
  for (const [suite, list] of suites) {
    const s = countCases(list);
    out.push(
      `  <testsuite name="${esc(suite)}" tests="${s.total}" failures="${s.failed}" skipped="${s.skipped}" time="${s.seconds.toFixed(3)}">`,
    );
    for (const c of list) {
      const open = `    <testcase name="${esc(c.name)}" classname="${esc(suite)}" time="${c.seconds.toFixed(3)}"`;
      if (c.status === 'passed') out.push(`${open}/>`);
      else if (c.status === 'skipped') out.push(`${open}><skipped/></testcase>`);
      else out.push(`${open}><failure message="${esc(c.message)}"/></testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
