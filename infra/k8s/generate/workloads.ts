// The base manifests of one application: ServiceAccount, Service, the migration Job, and per Deployment
// (two for a split application: web and worker) its PodDisruptionBudget, HorizontalPodAutoscaler and
// NetworkPolicy.
import {
  type App,
  imageOf,
  MONITORING_NAMESPACE,
  PRE_STOP_SECONDS,
  TERMINATION_GRACE_SECONDS,
  type Workload,
  workloadsOf,
} from './apps.ts';

type Manifest = Record<string, unknown>;

/** Labels of an application's objects, or of one Deployment's (`ingest-worker`: not behind ingest's Service). */
const labels = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': 'autoverify',
});
const selector = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });

export const podSecurity = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};
export const containerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};
/** The only writable place: the image writes nothing anywhere else. */
const tmpVolume = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
const tmpMount = { name: 'tmp', mountPath: '/tmp' };

function secretEnv(app: App) {
  return app.secrets.map((s) => ({
    name: s.name,
    valueFrom: {
      secretKeyRef: {
        name: s.secret ?? `${app.name}-secrets`,
        key: s.key ?? s.name,
        ...(s.optional ? { optional: true } : {}),
      },
    },
  }));
}

function deployment({ name, app, role }: Workload): Manifest {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 3,
  });
  const volumes = [tmpVolume];
  const mounts = [tmpMount];
  if (app.tenants) {
    volumes.push(
      { name: 'tenants', configMap: { name: 'autoverify-tenants' } } as never,
      { name: 'tenant-secrets', secret: { secretName: 'autoverify-tenant-secrets' } } as never,
    );
    mounts.push(
      { name: 'tenants', mountPath: '/etc/autoverify', readOnly: true } as never,
      { name: 'tenant-secrets', mountPath: '/var/run/secrets/autoverify', readOnly: true } as never,
    );
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      replicas: app.name === 'support' ? 1 : 2,
      selector: selector(name),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          serviceAccountName: app.name,
          automountServiceAccountToken: false,
          // preStop sleep (endpoints drain) + the stop hooks' 25 s (runService) + a margin.
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: podSecurity,
          containers: [
            {
              name: app.name,
              image: imageOf(app),
              ports: [{ name: 'http', containerPort: app.port }],
              envFrom: [{ configMapRef: { name: 'autoverify-common' } }],
              env: [
                { name: 'PORT', value: String(app.port) },
                ...(role ? [{ name: 'SERVICE_ROLE', value: role }] : []),
                { name: 'OTEL_SERVICE_NAME', value: app.name },
                ...Object.entries(app.env).map(([name, value]) => ({ name, value })),
                {
                  name: 'DATABASE_URL',
                  valueFrom: { secretKeyRef: { name: `${app.name}-secrets`, key: 'DATABASE_URL' } },
                },
                ...secretEnv(app),
              ],
              volumeMounts: mounts,
              // Start-up connects to PostgreSQL and Kafka before HTTP listens: up to 2 minutes.
              startupProbe: probe('/health/live', 2, 60),
              readinessProbe: probe('/health/ready', 5, 3),
              livenessProbe: probe('/health/live', 10, 3),
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
              resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '512Mi' } },
              securityContext: containerSecurity,
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** Migrations with the migrator's credentials (DDL), once per release: the app's own role needs only DML. */
function migrationJob(app: App): Manifest {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${app.name}-migrate`,
      labels: { ...labels(app.name), 'app.kubernetes.io/component': 'migrate' },
      // Argo CD runs it before the Deployments change; plain kubectl: see docs/operations.md.
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      },
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { ...labels(app.name), 'app.kubernetes.io/component': 'migrate' } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: app.name,
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          containers: [
            {
              name: 'migrate',
              image: imageOf(app),
              command: ['node', '../../packages/database/src/cli.ts', 'deploy'],
              env: [
                {
                  name: 'DATABASE_URL',
                  valueFrom: { secretKeyRef: { name: `${app.name}-migrator`, key: 'DATABASE_URL' } },
                },
              ],
              volumeMounts: [tmpMount],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '384Mi' } },
              securityContext: containerSecurity,
            },
          ],
          volumes: [tmpVolume],
        },
      },
    },
  };
}

const privateRanges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

function networkPolicy({ name, app, role }: Workload): Manifest {
  const egress: Manifest[] = [
    // Kafka (Strimzi's cluster in namespace "kafka"; the dev overlay adds its in-namespace broker).
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kafka' } } }],
      ports: [9092, 9093].map((port) => ({ protocol: 'TCP', port })),
    },
    // PostgreSQL: usually a managed server outside the cluster, so any address, this port only.
    { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    // OpenTelemetry collector (traces; metrics are scraped, see the ingress rule below).
    {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ protocol: 'TCP', port: 4318 }],
    },
  ];
  const internetPorts = [...(app.https ? [443] : []), ...(app.internetPorts ?? [])];
  if (internetPorts.length > 0)
    egress.push({
      // The providers (Entrata, the verification platform, Twilio, SMTP) are on the internet: public
      // addresses only, these ports only.
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: privateRanges } }],
      ports: internetPorts.map((port) => ({ protocol: 'TCP', port })),
    });
  if (app.name === 'support')
    egress.push({
      to: ['invite', 'report-sync'].map((name) => ({
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      })),
      ports: [3002, 3005].map((port) => ({ protocol: 'TCP', port })),
    });
  const from: Manifest[] = [];
  // A worker answers only the probes (the kubelet is not subject to NetworkPolicy) and Prometheus.
  if (app.public && role !== 'worker')
    from.push({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } });
  if (app.name === 'invite' || app.name === 'report-sync')
    from.push({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'support' } } });
  if (app.name === 'support')
    from.push({ namespaceSelector: { matchLabels: { 'autoverify.io/support-access': 'true' } } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: labels(name) },
    spec: {
      podSelector: selector(name),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        ...(from.length > 0 ? [{ from, ports: [{ protocol: 'TCP', port: app.port }] }] : []),
        // Prometheus scrapes /metrics on the application's one HTTP port (generate/monitoring.ts).
        {
          from: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': MONITORING_NAMESPACE } } },
          ],
          ports: [{ protocol: 'TCP', port: app.port }],
        },
      ],
      egress,
    },
  };
}

/**
 * CPU scaling. Consumers get it from KEDA in prod (CPU or lag, generate/kafka.ts); elsewhere from this HPA
 * (infra/k8s/consumers-cpu-hpa), so a Deployment never has two autoscalers.
 */
export function cpuAutoscaler({ name, app }: Workload): Manifest {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: labels(name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: app.name === 'support' ? 1 : 2,
      // A consumer group uses at most one member per partition (6 per topic).
      maxReplicas: app.name === 'support' ? 2 : 6,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  };
}

export function appManifests(app: App): Manifest[] {
  const workloads = workloadsOf(app);
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: app.name, labels: labels(app.name) },
      automountServiceAccountToken: false,
    },
    ...workloads.map(deployment),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app.name, labels: labels(app.name) },
      // The application's pods, or a split one's web pods (its worker's are named `<app>-worker`).
      spec: {
        selector: { 'app.kubernetes.io/name': app.name },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    },
    ...workloads.map(({ name }) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, labels: labels(name) },
      // One pod at a time may go: a drain always proceeds, also for the single support pod.
      spec: { maxUnavailable: 1, selector: selector(name) },
    })),
    ...(app.lagScaling ? [] : workloads.map(cpuAutoscaler)),
    migrationJob(app),
    ...workloads.map(networkPolicy),
  ];
}
