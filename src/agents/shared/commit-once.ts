import type { AgentContext } from '../../core/agent.ts';
import type { FileToWrite } from '../../core/ports/git-repos.ts';

/**
 * Commits files for this inbound event at most once: a redelivered event finds its earlier commit
 * by the `Catalyst-Event` trailer and reuses it. When the files already match HEAD (the same prompt
 * built before) the current HEAD stands for the commit.
 */
export async function commitOnce(
  ctx: AgentContext,
  input: { checkout: string; files: FileToWrite[]; message: string; key?: string },
): Promise<string> {
  const marker = input.key ? `${ctx.inbound.event_id}/${input.key}` : ctx.inbound.event_id;
  const previous = await ctx.ports.git.findCommitByTrailer(input.checkout, 'Catalyst-Event', marker);
  if (previous) return previous;
  const sha = await ctx.ports.git.commit({
    checkout: input.checkout,
    files: input.files,
    message: input.message,
    trailers: { 'Catalyst-Event': marker, 'Catalyst-Task': ctx.task.id },
  });
  return sha ?? (await ctx.ports.git.head(input.checkout));
}
