import {
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';

/**
 * What every span and metric says about the process that made it: which service, which release, which
 * environment. SERVICE_VERSION (the release tag, set by the image build or the Deployment) and
 * DEPLOYMENT_ENVIRONMENT default to `dev` and `development`; OTEL_RESOURCE_ATTRIBUTES overrides all of them.
 */
export function serviceResource(env: Record<string, string | undefined>, serviceName?: string): Resource {
  const name = env.OTEL_SERVICE_NAME ?? serviceName;
  const environment = env.DEPLOYMENT_ENVIRONMENT ?? 'development';
  return resourceFromAttributes({
    ...(name ? { 'service.name': name } : {}),
    'service.version': env.SERVICE_VERSION ?? 'dev',
    // The current semantic convention, and the older name Grafana's Tempo and Loki views still filter on.
    'deployment.environment.name': environment,
    'deployment.environment': environment,
  }).merge(detectResources({ detectors: [envDetector] }));
}
