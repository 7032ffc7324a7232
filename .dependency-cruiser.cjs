/**
 * The dependency arrows of ARCHITECTURE.md §3, enforced in `npm test`. Each rule says why.
 * Change the note (and an ADR) before changing a rule.
 */
module.exports = {
  forbidden: [
    {
      name: 'contracts-are-leaves',
      severity: 'error',
      comment: 'contracts are shared by every producer and consumer (and the web UI): they may import only zod and each other',
      from: { path: '^src/contracts/' },
      to: { pathNot: ['^src/contracts/', 'node_modules/zod/'] },
    },
    {
      name: 'core-depends-on-contracts-only',
      severity: 'error',
      comment: 'ports, errors and the agent contract must not know any adapter, engine or agent',
      from: { path: '^src/core/' },
      to: { path: '^src/(adapters|agents|analysis|generator|orchestrator|preview|server|worker|cli|config|runtime)' },
    },
    {
      name: 'config-is-standalone',
      severity: 'error',
      comment: 'config is parsed once and handed out; it must not reach into the parts it configures',
      from: { path: '^src/config/' },
      to: { path: '^src/(adapters|agents|analysis|generator|orchestrator|preview|server|worker|cli|runtime)' },
    },
    {
      name: 'agents-use-ports-not-adapters',
      severity: 'error',
      comment: 'an agent runs unchanged over any adapter and under both engines: it sees only ports, contracts and the generator',
      from: { path: '^src/agents/' },
      to: { path: '^src/(adapters|orchestrator|server|worker|cli|runtime|config)' },
    },
    {
      name: 'agents-do-not-import-each-other',
      severity: 'error',
      comment: 'agents talk through events only; shared helpers live in agents/shared',
      from: { path: '^src/agents/([^/]+)/' },
      to: { path: '^src/agents/([^/]+)/', pathNot: ['^src/agents/$1/', '^src/agents/shared/'] },
    },
    {
      name: 'generator-is-pure',
      severity: 'error',
      comment: 'the deterministic generator is request in, files out: no ports, no I/O layers',
      from: { path: '^src/generator/' },
      to: { path: '^src/(adapters|agents|orchestrator|preview|server|worker|cli|runtime|config)' },
    },
    {
      name: 'orchestrator-uses-ports',
      severity: 'error',
      comment: 'both engines depend on ports; adapters are chosen in runtime.ts',
      from: { path: '^src/orchestrator/' },
      to: { path: '^src/(adapters|agents|generator|server|worker|cli|runtime|config)' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      comment: 'each adapter stands alone behind its port (process previews may use the preview allocator and health probe)',
      from: { path: '^src/adapters/([^/]+)/', pathNot: '^src/adapters/state/' },
      to: { path: '^src/(adapters|agents|orchestrator|server|worker|cli|runtime|config|generator)', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'state-adapter-hosts-documents-only',
      severity: 'error',
      comment: 'the embedded document store is JSONB tables in the same database as the state store, so the state adapter opens it',
      from: { path: '^src/adapters/state/' },
      to: {
        path: '^src/(adapters|agents|orchestrator|server|worker|cli|runtime|config|generator)',
        pathNot: '^src/adapters/(state|documents)/',
      },
    },
    {
      name: 'preview-lifecycle-uses-ports',
      severity: 'error',
      comment: 'preview lifecycle logic works over the PreviewRuntime and StateStore ports',
      from: { path: '^src/preview/' },
      to: { path: '^src/(adapters|agents|orchestrator|server|worker|cli|runtime|config|generator)' },
    },
    {
      name: 'explorer-uses-ports',
      comment:
        'The explorer reads targets through its own scanners, the ports and the shared code analysis (src/analysis), never through an agent.',
      severity: 'error',
      from: { path: '^src/explorer/' },
      to: { path: '^src/(adapters|orchestrator|server|worker|cli|runtime|config|agents|preview)' },
    },
    {
      name: 'analysis-is-pure',
      comment:
        'code analysis (secrets, SAST, audit, complexity, duplication) works over the files or folder it is given, through ports at most; the tester, reviewer and explorer share it, so it knows none of them',
      severity: 'error',
      from: { path: '^src/analysis/' },
      to: { path: '^src/(adapters|agents|orchestrator|server|worker|cli|runtime|config|generator|explorer|preview)' },
    },
    {
      name: 'only-the-llm-adapter-imports-the-ai-sdk',
      severity: 'error',
      comment: 'agents see the LanguageModels port (src/core/ports/llm.ts); the AI SDK and its providers stay behind src/adapters/llm',
      from: { pathNot: '^src/adapters/llm/' },
      to: { path: 'node_modules/(ai|@ai-sdk/[^/]+)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'cycles hide layering mistakes',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Skeletons are the generated apps' code, not Catalyst's: they are checked by the tests that build them.
    exclude: { path: '\\.test\\.ts$|/fixtures/|^src/generator/skeletons/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
