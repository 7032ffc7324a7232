/**
 * What a build from this repository should do better, each a short imperative sentence derived from
 * something the scan found missing or wrong. Ordered by weight: leaked secrets before style.
 */
import type { RepositorySection, SecurityIssue, Technology } from '../../contracts/explorer.ts';
import type { FunctionComplexity } from '../../analysis/complexity.ts';

export const COMPLEX_FUNCTION = 15;

export interface ImprovementInput {
  repository: RepositorySection;
  security: readonly SecurityIssue[];
  technologies: readonly Technology[];
  /** The most complex functions, worst first, with their file. */
  complexFunctions: ReadonlyArray<FunctionComplexity & { file: string }>;
  hasLockfile: boolean;
  hasNpmManifest: boolean;
  isApp: boolean;
  /** An OpenAPI/Swagger description or generator was found. */
  hasApiDocs: boolean;
}

export function suggestImprovements(input: ImprovementInput): string[] {
  const { repository: repo } = input;
  const out: string[] = [];
  const secrets = input.security.filter((s) => s.kind === 'secret');
  if (secrets.length > 0) {
    const where = secrets
      .slice(0, 3)
      .map((s) => s.location)
      .join(', ');
    const one = secrets.length === 1;
    out.push(
      `Remove the ${one ? 'committed secret' : `${secrets.length} committed secrets`} (${where}${secrets.length > 3 ? ', …' : ''}), rotate ${one ? 'it' : 'them'} and read ${one ? 'it' : 'them'} from the environment.`,
    );
  }
  if (input.security.some((s) => s.kind === 'committed_env_file'))
    out.push('Stop committing .env files: add them to .gitignore and ship a .env.example instead.');
  const audit = repo.dependencies.audit;
  if (audit.status === 'ok' && audit.critical + audit.high > 0) {
    out.push(`Upgrade the dependencies behind ${audit.critical} critical and ${audit.high} high npm audit findings.`);
  }
  if (!repo.has_tests) out.push('Add automated tests: no test files were found.');
  if (!repo.has_ci)
    out.push('Add a CI pipeline (e.g. a GitHub Actions workflow) that installs, type-checks and runs the tests on every push.');
  const worst = input.complexFunctions.filter((f) => f.complexity > COMPLEX_FUNCTION).slice(0, 3);
  if (worst.length > 0) {
    out.push(
      `Split the most complex functions into smaller ones: ${worst.map((f) => `${f.name} in ${f.file}:${f.line} (complexity ${f.complexity})`).join(', ')}.`,
    );
  }
  const lang = (name: string) => repo.languages.find((l) => l.name === name);
  if ((lang('JavaScript')?.files ?? 0) > 0 && !lang('TypeScript')) out.push('Migrate the JavaScript code to TypeScript for type safety.');
  if (repo.license === null) out.push('Add a LICENSE file so others know how they may use the code.');
  if (repo.readme_quality === 'missing') out.push('Add a README that says what the project does and how to install, configure and run it.');
  else if (repo.readme_quality === 'minimal')
    out.push('Expand the README (under 20 lines): setup, configuration, usage and how to run the tests.');
  if (input.hasNpmManifest && !input.hasLockfile)
    out.push('Commit a lockfile (package-lock.json or equivalent) so installs are reproducible and auditable.');
  if (input.isApp && !repo.has_docker)
    out.push('Add a Dockerfile (and a compose file for its services) so the app builds and runs the same everywhere.');
  if (input.technologies.some((t) => t.category === 'backend') && !input.hasApiDocs) {
    out.push('Document the API with an OpenAPI description.');
  }
  return out;
}
