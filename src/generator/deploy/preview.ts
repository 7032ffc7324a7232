/**
 * What the deployer writes beside a reviewed checkout (spec §4.6 output): the app's compose project
 * built from that checkout, Kubernetes manifests and a guide. Pure: same inputs, same text.
 */
import { composeFile } from './compose.ts';
import { kubernetesManifests } from './kubernetes.ts';

export interface DeploymentInputs {
  slug: string;
  taskShort: string;
  /** The checkout the images are built from. */
  repoPath: string;
  /** Host ports the backend and the frontend are published on. */
  ports: { backend: number; frontend: number };
}

const projectName = (i: DeploymentInputs) => `${i.slug}-${i.taskShort}`;

export function previewCompose(i: DeploymentInputs): string {
  const name = projectName(i);
  return composeFile({ name, context: i.repoPath, hostPorts: i.ports, jwtSecret: 'required', traefikHost: `${name}.localhost` });
}

export function previewKubernetes(i: DeploymentInputs): Record<string, string> {
  const name = projectName(i);
  return kubernetesManifests({ name, labels: { 'catalyst/task': i.taskShort }, image: `catalyst-preview/${name}-backend:latest` });
}

export function deploymentGuide(i: DeploymentInputs & { previewUrl: string | null; mode: string }): string {
  return [
    `# Deploying ${i.slug} (task ${i.taskShort})`,
    '',
    i.previewUrl ? `Live preview (${i.mode} mode): ${i.previewUrl}` : `No live preview was started (${i.mode} mode).`,
    '',
    '## Run it yourself with Docker Compose',
    '',
    'PostgreSQL, the backend and the frontend (nginx, proxying `/api` to the backend):',
    '',
    '```bash',
    `JWT_SECRET=$(openssl rand -hex 32) docker compose -f docker-compose.preview.yml up -d --build`,
    `curl http://localhost:${i.ports.backend}/health`,
    `# the app: http://localhost:${i.ports.frontend}/`,
    'docker compose -f docker-compose.preview.yml down',
    '```',
    '',
    '## Run it without Docker',
    '',
    '```bash',
    `cd ${i.repoPath}`,
    'npm install && npm run build && npm start   # SQLite in ./data by default; set DATABASE_URL for PostgreSQL',
    '```',
    '',
    '## Kubernetes',
    '',
    'Build and push `Dockerfile.backend`, create the secret, then apply the manifests:',
    '',
    '```bash',
    `kubectl create secret generic ${projectName(i)}-secrets --from-literal=jwt-secret=$(openssl rand -hex 32)`,
    'kubectl apply -f k8s/',
    '```',
    '',
  ].join('\n');
}
