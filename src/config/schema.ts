/**
 * The shape of config.yaml (spec §9.2, extended with what the TypeScript build needs: llm, limits,
 * server, preview process mode). Every key has a default, so an empty file — or no file — gives the
 * embedded setup: PGlite, in-process bus, deterministic generator, local git, process previews.
 */
import { z } from 'zod';

const Url = z.string().trim();
const Positive = z.number().int().positive();

export const ConfigFileSchema = z
  .object({
    orchestration: z
      .object({
        mode: z.enum(['sequential', 'event_driven']).default('sequential'),
        max_repair_rounds: z.number().int().min(0).max(10).default(2),
        sequential: z
          .object({ enabled: z.boolean().default(true), timeout_seconds: Positive.default(600) })
          .strict()
          .default({ enabled: true, timeout_seconds: 600 }),
        /**
         * Who runs a task: its owner renews a lease on the task row; a task whose lease ran out (the owner
         * died) is claimed and resumed by the next sweep of any Catalyst process on the same store.
         */
        recovery: z
          .object({ lease_seconds: Positive.default(30), sweep_interval_seconds: Positive.default(10) })
          .strict()
          .prefault({}),
        event_driven: z
          .object({
            enabled: z.boolean().default(true),
            rabbitmq_url: Url.default(''),
            retry_attempts: z.number().int().min(1).max(20).default(3),
            retry_delay_ms: z.number().int().min(0).default(1000),
            prefetch: Positive.default(1),
            /** Prepended to every RabbitMQ exchange and queue name, so installations or test runs can share one broker. */
            topology_prefix: z
              .string()
              .regex(/^[A-Za-z0-9._-]*$/)
              .default(''),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({
        data_dir: z.string().min(1).default('.catalyst'),
        git: z
          .object({
            mode: z.literal('local').default('local'),
            local_path: z.string().default(''),
            github_token: z.string().default(''),
            author_name: z.string().min(1).default('Catalyst AI'),
            author_email: z.string().min(3).default('ai@catalyst.dev'),
            /** After approval the deployer merges the task's feature branch into main of the project repository. */
            merge_on_approval: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
        artifacts: z
          .object({ path: z.string().default(''), retention_days: Positive.default(30) })
          .strict()
          .prefault({}),
        databases: z
          .object({
            postgres: z
              .object({ url: Url.default(''), pool_size: Positive.default(20) })
              .strict()
              .prefault({}),
            mongodb: z
              .object({ url: Url.default(''), database: z.string().min(1).default('catalyst_db') })
              .strict()
              .prefault({}),
          })
          .strict()
          .prefault({}),
        redis: z
          .object({ url: Url.default(''), ttl_seconds: Positive.default(3600) })
          .strict()
          .prefault({}),
        qdrant: z
          .object({ url: Url.default('') })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    preview: z
      .object({
        mode: z.enum(['auto', 'process', 'docker', 'compose_only', 'k8s']).default('process'),
        port_range: z
          .tuple([z.number().int().min(1024).max(65535), z.number().int().min(1024).max(65535)])
          .default([9000, 9999])
          .refine(([lo, hi]) => lo <= hi, 'the first port must not be above the second'),
        ttl_hours: z.number().positive().default(24),
        health_check_interval: Positive.default(60),
        health_timeout_seconds: Positive.default(60),
        memory_mb: z.number().int().min(64).default(512),
        /** process mode: CPUs per preview, enforced by a cgroup CPU quota where Catalyst may write one. */
        cpus: z.number().positive().max(64).default(1),
        max_concurrent: Positive.default(10),
        /** auto: bubblewrap for previews and the tester's commands when it works on this host; none: never. */
        sandbox: z.enum(['auto', 'none']).default('auto'),
        /** How often the preview monitor restarts a dead or unhealthy preview before marking it failed. */
        max_restarts: z.number().int().min(0).default(3),
        router: z
          .object({
            enabled: z.boolean().default(false),
            port: z.number().int().min(1).max(65535).default(8080),
            base_domain: z.string().default('localhost'),
          })
          .strict()
          .prefault({}),
        /** docker mode (and auto's detection): where the engine is, and the per-container limits besides memory_mb. */
        docker: z
          .object({
            /** '' → DOCKER_HOST, else unix:///var/run/docker.sock; unix:///path or tcp://host:port. */
            host: z.string().trim().default(''),
            /** TLS with client certificates (docker --tlsverify); false → DOCKER_TLS_VERIFY decides. */
            tls_verify: z.boolean().default(false),
            /** Directory with ca.pem, cert.pem, key.pem; '' → DOCKER_CERT_PATH, else ~/.docker when TLS is on. */
            cert_path: z.string().trim().default(''),
            /** How long the engine may take to answer GET /_ping before auto picks process. */
            ping_timeout_ms: Positive.default(1500),
            /** Per container: HostConfig.NanoCpus. */
            cpus: z.number().positive().max(64).default(1),
            /** Building both images (npm install inside them) may take longer than the health wait. */
            build_timeout_seconds: Positive.default(600),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    explorer: z
      .object({
        enabled: z.boolean().default(true),
        max_concurrent_scans: Positive.default(3),
        /** Empty: any host; else only these hosts (or `*.domain`) may be scanned. Local repository paths need none. */
        allow_hosts: z.array(z.string()).default([]),
        /** One scan's deadline, clone and analysis included. */
        scan_timeout_seconds: Positive.default(600),
        /** Whether repository scans may read git repositories on this machine's disk (anyone who may call the API could). */
        allow_local_paths: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    agents: z
      .object({
        planner: z
          .object({ max_features: Positive.default(20) })
          .strict()
          .prefault({}),
        architect: z
          .object({ generate_diagrams: z.boolean().default(true) })
          .strict()
          .prefault({}),
        coder: z
          .object({
            max_files_per_batch: Positive.default(10),
            // The rest bound the model-driven coder (issue 15); without a coder model they are not consulted,
            // because the deterministic generator makes no repair rounds, steps or checks of its own.
            max_repair_rounds: z.number().int().min(0).max(10).default(3),
            max_steps: Positive.default(60),
            edit_format: z.enum(['tools', 'text']).default('tools'),
            max_file_kb: Positive.default(256),
            max_files: Positive.default(400),
            check_timeout_seconds: Positive.default(180),
            context_tokens: z.number().int().min(4000).default(128000),
          })
          .strict()
          .prefault({}),
        tester: z
          .object({
            run_unit_tests: z.boolean().default(true),
            run_integration_tests: z.boolean().default(true),
            run_e2e_tests: z.boolean().default(true),
            /** Catalyst's own browser smoke check of every app (needs chromium_path); a failure fails the test run. */
            run_smoke_check: z.boolean().default(true),
            min_coverage: z.number().min(0).max(1).default(0.8),
            timeout_seconds: Positive.default(300),
            memory_mb: z.number().int().min(64).default(1024),
            /** Chromium for the generated app's browser tests; '' or a path that does not exist skips them. */
            chromium_path: z.string().default('/usr/bin/chromium'),
          })
          .strict()
          .prefault({}),
        reviewer: z
          .object({
            min_approval_score: z.number().min(0).max(100).default(75),
            min_coverage: z.number().min(0).max(1).default(0.8),
            min_pass_rate: z.number().min(0).max(1).default(1),
            max_type_errors: z.number().int().min(0).default(0),
            run_type_check: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({ max_prompt_chars: z.number().int().min(20).max(100_000).default(4000) })
      .strict()
      .prefault({}),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        body_limit_bytes: z.number().int().min(1024).default(65536),
        rate_limit_per_minute: Positive.default(600),
        /** How long GET /api/tasks/{id}/progress may serve a cached value when no live message says it changed. */
        progress_cache_ttl_ms: Positive.default(1000),
        cors_origins: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({ token: z.string().default('') })
      .strict()
      .prefault({}),
    logging: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .prefault({}),
  })
  .strict();

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
