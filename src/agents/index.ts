import type { AgentDefinition } from '../core/agent.ts';
import { architectAgent } from './architect/architect-agent.ts';
import { coderAgent } from './coder/coder-agent.ts';
import { deployerAgent } from './deployer/deployer-agent.ts';
import { plannerAgent } from './planner/planner-agent.ts';
import { reviewerAgent } from './reviewer/reviewer-agent.ts';
import { testerAgent } from './tester/tester-agent.ts';

/** The pipeline's agents in the order the happy path reaches them (spec §4.1–§4.6). */
export const PIPELINE_AGENTS: readonly AgentDefinition[] = [
  plannerAgent,
  architectAgent,
  coderAgent,
  testerAgent,
  reviewerAgent,
  deployerAgent,
];
