/**
 * `npm ci --omit=dev` installs only `dependencies`, so whatever Catalyst loads while it runs must be listed
 * there: its own imports (src/, bin/), the UI that `npm start` builds (web/), and every package a generated
 * app lists, because generated apps resolve their packages (ESLint configs and type packages included) from
 * Catalyst's node_modules when the tester type-checks, lints and tests them. scripts/check-production-install.mjs
 * proves the same with a real production install and a build; this test says which import is misplaced in
 * a second.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { APP_DEPENDENCIES } from '../src/generator/app/index.ts';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue;
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|tsx|js|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Package names a file loads when it runs: value imports, re-exports and `import()` of a literal or a const. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const constants = new Map<string, string>();
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isStringLiteral(node.initializer)) {
      constants.set(node.name.text, node.initializer.text);
    }
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    }
    if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    }
    // require('x') and createRequire(import.meta.url)('x'): a CommonJS load is a run-time load too.
    const callee = ts.isCallExpression(node) ? node.expression : null;
    if (
      ts.isCallExpression(node) &&
      callee &&
      ((ts.isIdentifier(callee) && callee.text === 'require') ||
        (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'createRequire'))
    ) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) specifiers.push(arg.text);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) specifiers.push(arg.text);
      else if (arg && ts.isIdentifier(arg)) specifiers.push(`@const:${arg.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .map((s) => (s.startsWith('@const:') ? (constants.get(s.slice(7)) ?? s) : s))
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!).replace(/\?.*$/, ''));
}

/** Package name → one place that loads it. */
function neededAtRunTime(): Map<string, string> {
  const files = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'bin')), ...sourceFiles(join(root, 'web'))];
  const needed = new Map<string, string>();
  for (const file of files) for (const name of runtimeImports(file)) needed.set(name, relative(root, file));
  for (const name of APP_DEPENDENCIES) needed.set(name, 'a generated package.json');
  return needed;
}

test('every package Catalyst, its UI build or a generated app loads at run time is a dependency, not a devDependency', () => {
  const needed = neededAtRunTime();
  assert.ok(needed.has('eslint-plugin-security'), 'imports by a constant name are found (the tester loads its SAST plugin so)');
  const missing = [...needed].filter(([name]) => !(name in pkg.dependencies)).map(([name, from]) => `${name} (loaded by ${from})`);
  assert.deepEqual(missing, [], 'move these to "dependencies"');
});

// Added in dc0794d for changes in progress (explorer manifests, Prisma schemas, the web-app skeleton):
// drop a name here once it is imported, and from package.json if that change is abandoned.
const AWAITING_FIRST_USE = new Set(['@vitejs/plugin-react']);

test('every dependency is loaded at run time, and none is listed twice', () => {
  const needed = neededAtRunTime();
  const unused = Object.keys(pkg.dependencies).filter((name) => !needed.has(name) && !AWAITING_FIRST_USE.has(name));
  assert.deepEqual(unused, [], 'remove these, or move them to "devDependencies" when only tests or tooling use them');
  const both = Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies);
  assert.deepEqual(both, []);
});
