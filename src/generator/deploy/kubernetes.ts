/**
 * Kubernetes manifests for a generated app's backend (ConfigMap, Deployment, Service, Ingress), built
 * as objects and serialized with `yaml`. Without DATABASE_URL the backend keeps its embedded database,
 * so the manifests run as they are; the JWT secret comes from a Secret the guide tells how to create.
 */
import { stringify } from 'yaml';
import { BACKEND_PORT } from './compose.ts';

export interface KubernetesOptions {
  /** Name of every object, and the host name of the ingress (`<name>.localhost`). */
  name: string;
  /** Extra labels on every object (the selector uses `app: <name>` only). */
  labels: Record<string, string>;
  image: string;
}

export function kubernetesManifests(o: KubernetesOptions): Record<string, string> {
  const { name } = o;
  const labels = { app: name, ...o.labels };
  return {
    'k8s/configmap.yaml': stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-config`, labels },
      data: { PORT: String(BACKEND_PORT), HOST: '0.0.0.0' },
    }),
    'k8s/deployment.yaml': stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'backend',
                image: o.image,
                ports: [{ containerPort: BACKEND_PORT }],
                envFrom: [{ configMapRef: { name: `${name}-config` } }],
                env: [{ name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: 'jwt-secret' } } }],
                readinessProbe: { httpGet: { path: '/health', port: BACKEND_PORT }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/health', port: BACKEND_PORT }, periodSeconds: 15 },
                resources: { limits: { memory: '512Mi', cpu: '500m' }, requests: { memory: '128Mi', cpu: '100m' } },
              },
            ],
          },
        },
      },
    }),
    'k8s/service.yaml': stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, labels },
      spec: { selector: { app: name }, ports: [{ port: 80, targetPort: BACKEND_PORT }] },
    }),
    'k8s/ingress.yaml': stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, labels },
      spec: {
        rules: [
          {
            host: `${name}.localhost`,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] },
          },
        ],
      },
    }),
  };
}
