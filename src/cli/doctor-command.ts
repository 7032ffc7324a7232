/** `catalyst doctor [--json]`: one line per check; exit 1 when something configured or required does not work. */
import type { CatalystConfig } from '../config/index.ts';
import { DoctorReport } from '../contracts/doctor.ts';
import { runDoctor } from '../runtime/doctor.ts';
import { EXIT, printJson } from './output.ts';

const MARK = { ok: '✔', missing: '!', failed: '✖' } as const;

export async function doctorCommand(opts: { json: boolean }, config: Readonly<CatalystConfig>): Promise<number> {
  const report = DoctorReport.parse(await runDoctor(config));
  if (opts.json) printJson(report);
  else {
    const lines = [`Catalyst ${report.version} (config: ${report.config_file ?? 'built-in defaults and the environment'})`];
    for (const c of report.checks) {
      lines.push(`${MARK[c.status]} ${c.name.padEnd(18)} ${c.detail}`);
      if (c.hint && c.status !== 'ok') lines.push(`  ${' '.padEnd(18)} hint: ${c.hint}`);
    }
    lines.push(report.ok ? 'Everything configured answers.' : 'Something configured does not work (✖ above).');
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return report.ok ? EXIT.ok : EXIT.failed;
}
