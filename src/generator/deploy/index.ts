export { BACKEND_PORT, composeFile, composeProject, FRONTEND_PORT, POSTGRES_IMAGE, type ComposeOptions } from './compose.ts';
export { CONTAINER_FILES } from './container-files.ts';
export { kubernetesManifests, type KubernetesOptions } from './kubernetes.ts';
export { deploymentGuide, previewCompose, previewKubernetes, type DeploymentInputs } from './preview.ts';
