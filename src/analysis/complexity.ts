/**
 * JS/TS source → cyclomatic complexity per function and the modules a file imports, with the
 * TypeScript compiler's parser (no type checking, so a file that would not compile still counts).
 * The one complexity measure of Catalyst: the reviewer scores generated apps with it and the
 * explorer reports explored repositories with it. Complexity is 1 + each if, loop, case, catch, ?:,
 * &&, ||, ?? (and their assignments), `?.` and default value in the function's own body, the same
 * decisions ESLint 9's `complexity` rule counts; nested functions are counted on their own.
 */
import type * as TS from 'typescript';

type TypeScript = typeof TS;

export interface FunctionComplexity {
  name: string;
  line: number;
  complexity: number;
}

export interface SourceMetrics {
  functions: FunctionComplexity[];
  /** Module specifiers as written: './a.js', 'react', 'node:fs'. */
  imports: string[];
}

export interface FileFunctionComplexity extends FunctionComplexity {
  file: string;
}

export const JS_TS_FILE = /\.(?:[cm]?[jt]sx?)$/;

let loaded: Promise<TypeScript> | null = null;

/** The compiler is large; only scans that measure code load it. */
export function loadTypeScript(): Promise<TypeScript> {
  loaded ??= import('typescript').then((m) => (m as unknown as { default: TypeScript }).default ?? (m as unknown as TypeScript));
  return loaded;
}

export function isMeasurable(path: string): boolean {
  return JS_TS_FILE.test(path) && !/\.d\.[cm]?ts$/.test(path);
}

function scriptKind(ts: TypeScript, path: string): TS.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/.test(path)) return ts.ScriptKind.TS;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

export function measureSource(ts: TypeScript, path: string, text: string): SourceMetrics {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(ts, path));
  const functions: FunctionComplexity[] = [];
  const decisionOperators = new Set([
    ts.SyntaxKind.AmpersandAmpersandToken,
    ts.SyntaxKind.BarBarToken,
    ts.SyntaxKind.QuestionQuestionToken,
    ts.SyntaxKind.AmpersandAmpersandEqualsToken,
    ts.SyntaxKind.BarBarEqualsToken,
    ts.SyntaxKind.QuestionQuestionEqualsToken,
  ]);
  const isDecision = (node: TS.Node): boolean => {
    switch (node.kind) {
      case ts.SyntaxKind.IfStatement:
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
      case ts.SyntaxKind.CaseClause:
      case ts.SyntaxKind.CatchClause:
      case ts.SyntaxKind.ConditionalExpression:
        return true;
      case ts.SyntaxKind.BinaryExpression:
        return decisionOperators.has((node as TS.BinaryExpression).operatorToken.kind);
      case ts.SyntaxKind.Parameter:
      case ts.SyntaxKind.BindingElement:
        return (node as TS.ParameterDeclaration | TS.BindingElement).initializer !== undefined;
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
      case ts.SyntaxKind.CallExpression:
        return (node as TS.PropertyAccessExpression | TS.ElementAccessExpression | TS.CallExpression).questionDotToken !== undefined;
      default:
        return false;
    }
  };
  const visit = (node: TS.Node, current: FunctionComplexity | null): void => {
    let owner = current;
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      owner = { name: functionName(ts, node), line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, complexity: 1 };
      functions.push(owner);
    } else if (owner && isDecision(node)) {
      owner.complexity += 1;
    }
    ts.forEachChild(node, (child) => visit(child, owner));
  };
  visit(source, null);
  const imports = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  return { functions, imports };
}

/** Every function of the given files, most complex first; declaration files have none worth counting. */
export async function measureComplexity(files: ReadonlyArray<{ path: string; content: string }>): Promise<FileFunctionComplexity[]> {
  const measurable = files.filter((f) => isMeasurable(f.path));
  if (measurable.length === 0) return [];
  const ts = await loadTypeScript();
  const functions = measurable.flatMap((f) => measureSource(ts, f.path, f.content).functions.map((fn) => ({ file: f.path, ...fn })));
  return functions.sort((a, b) => b.complexity - a.complexity || a.file.localeCompare(b.file) || a.line - b.line);
}

function nameText(ts: TypeScript, name: TS.Node | undefined): string | null {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

function functionName(ts: TypeScript, node: TS.SignatureDeclaration): string {
  const own = nameText(ts, node.name);
  const parent = node.parent;
  const owner = parent && (ts.isClassDeclaration(parent) || ts.isClassExpression(parent)) ? nameText(ts, parent.name) : null;
  if (ts.isConstructorDeclaration(node)) return `${owner ?? 'class'}.constructor`;
  if (own) return owner ? `${owner}.${own}` : own;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    return nameText(ts, parent.name) ?? '(anonymous)';
  }
  const exportedDefault = ts.isFunctionDeclaration(node) && (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Default) !== 0;
  if (exportedDefault || (parent && ts.isExportAssignment(parent))) return 'default export';
  if (parent && ts.isCallExpression(parent)) {
    const callee = parent.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : null;
    if (name) return `(callback of ${name})`;
  }
  return '(anonymous)';
}
