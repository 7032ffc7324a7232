/**
 * Keys Catalyst knows from the spec but does not act on yet. Accepting them silently would be a placebo
 * setting, so a file that sets one is refused at load time with what to do instead.
 */
import { AppError } from '../core/errors.ts';

interface Unsupported {
  /** Dotted key; `*` matches any one segment. */
  key: string;
  /** Values that do work (e.g. `storage.git.mode: local`); any other value is refused. */
  allowed?: readonly unknown[];
  instead: string;
}

const NO_LLM = 'this agent never calls a language model; only the planner, architect, coder and reviewer do';

const UNSUPPORTED: readonly Unsupported[] = [
  { key: 'agents.tester.llm', instead: NO_LLM },
  { key: 'agents.tester.llm_model', instead: NO_LLM },
  { key: 'agents.deployer.llm', instead: NO_LLM },
  { key: 'agents.deployer.llm_model', instead: NO_LLM },
  {
    key: 'storage.git.mode',
    allowed: ['local'],
    instead: 'GitHub repositories arrive in a later release; use local (repositories under storage.git.local_path)',
  },
  {
    key: 'orchestration.event_driven.max_concurrent_tasks',
    instead:
      'each worker takes orchestration.event_driven.prefetch messages at a time; start more `catalyst worker` processes for more builds at once',
  },
  { key: 'storage.git.github_org', instead: 'GitHub repositories arrive in a later release' },
  { key: 'storage.git.auto_push', instead: 'pushing to GitHub arrives in a later release; the approved app is merged into main locally' },
  { key: 'storage.git.create_pr', instead: 'pull requests arrive in a later release; see storage.git.merge_on_approval' },
  { key: 'agents.deployer.default_mode', instead: 'set preview.mode (process | docker | compose_only | k8s | auto)' },
  {
    key: 'agents.deployer.auto_cleanup',
    instead: 'previews end by themselves after preview.ttl_hours; `catalyst preview stop` ends one now',
  },
];

function valuesAt(node: unknown, segments: readonly string[], path: string[] = []): { path: string; value: unknown }[] {
  if (segments.length === 0) return [{ path: path.join('.'), value: node }];
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const [head, ...rest] = segments;
  const keys = head === '*' ? Object.keys(node) : [head!];
  return keys.filter((k) => Object.hasOwn(node, k)).flatMap((k) => valuesAt((node as Record<string, unknown>)[k], rest, [...path, k]));
}

/** Throws `invalid_config` naming every unsupported key the user's file (or a flag) sets. */
export function refuseUnsupportedKeys(raw: unknown, file: string | null): void {
  const problems: string[] = [];
  for (const rule of UNSUPPORTED) {
    for (const { path, value } of valuesAt(raw, rule.key.split('.'))) {
      if (rule.allowed?.includes(value)) continue;
      problems.push(`${file ?? 'configuration'}: ${path}: not supported yet (${rule.instead})`);
    }
  }
  if (problems.length > 0) {
    throw new AppError('invalid_config', problems.join('\n'), {
      hint: 'remove the key; config/catalyst.example.yaml lists every key that works',
    });
  }
}

/** For the example-config check: every key refused here counts as handled. */
export const UNSUPPORTED_KEYS: readonly string[] = UNSUPPORTED.map((u) => u.key);
