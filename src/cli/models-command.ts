/** `catalyst models [--json]`: each agent's model, and whether its provider answers; exit 1 when one does not. */
import { createPinoLogger } from '../adapters/logging/pino-logger.ts';
import type { CatalystConfig } from '../config/index.ts';
import { ModelsReportSchema } from '../contracts/llm.ts';
import { checkModels } from '../runtime/models.ts';
import { EXIT, printJson } from './output.ts';

export async function modelsCommand(opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const report = ModelsReportSchema.parse(await checkModels(config, { logger: createPinoLogger(config.logging.level) }));
  if (opts.json) printJson(report);
  else {
    const lines: string[] = [];
    for (const m of report.models) {
      const where = m.base_url ? ` at ${m.base_url}` : '';
      const fallbacks = m.fallbacks.length > 0 ? `, then ${m.fallbacks.map((f) => `${f.provider} ${f.model}`).join(', ')}` : '';
      const answer = m.check.ok ? `✔ answered in ${m.check.latency_ms} ms` : `✖ ${m.check.error?.message ?? 'no answer'}`;
      lines.push(`${m.agent.padEnd(10)} ${m.provider} ${m.model}${where}${fallbacks}`, `${' '.repeat(11)}${answer}`);
    }
    for (const agent of report.deterministic) lines.push(`${agent.padEnd(10)} none (deterministic)`);
    if (report.models.length === 0)
      lines.push('No language model is configured: set CATALYST_LLM_PROVIDER and CATALYST_LLM_MODEL, or llm.default in config.yaml.');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.ok ? EXIT.ok : EXIT.failed;
}
