export {
  analyzeDeployment,
  parseTarget as parseDeploymentTarget,
  DEFAULT_FETCH_TIMEOUT_MS,
  DEFAULT_SAMPLES,
  DEPLOYMENT_CHECKS,
  type DeploymentCheck,
  type DeploymentScanOptions,
} from './analyze-deployment.ts';
