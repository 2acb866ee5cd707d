// `make test` step "deployment manifests": renders every overlay with kustomize, validates every object
// against its schema (Kubernetes, KEDA and prometheus-operator: npm kubernetes-models; Strimzi:
// strimzi-schemas.ts), and checks
// the rules the platform teams asked for on the rendered YAML.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics, subscriptions, TenantsFile, topics } from '@autoverify/contracts';
import { Ajv } from 'ajv';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apps, MONITORING_NAMESPACE, TERMINATION_GRACE_SECONDS, workloadsOf } from '../generate/apps.ts';
import { MIN_INSYNC_REPLICAS, REPLICAS, topicAccess } from '../generate/kafka.ts';
import { generatedFiles } from '../generate/main.ts';
import { kafkaTopicSchema, kafkaUserSchema } from './strimzi-schemas.ts';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: any };
  spec?: any;
  [k: string]: any;
};

const k8s = join(import.meta.dirname, '..');
const repo = join(k8s, '..', '..');
const overlays = ['dev', 'prod'] as const;

function render(overlay: string): Obj[] {
  const text = execFileSync('kubectl', ['kustomize', join(k8s, 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}
const rendered = Object.fromEntries(overlays.map((o) => [o, render(o)])) as Record<
  (typeof overlays)[number],
  Obj[]
>;
const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);

const ajv = new Ajv({ allErrors: true, strict: false });
const strimzi = { KafkaTopic: ajv.compile(kafkaTopicSchema), KafkaUser: ajv.compile(kafkaUserSchema) };

async function validate(original: Obj): Promise<void> {
  let object = original;
  if (object.kind in strimzi) {
    const check = strimzi[object.kind as keyof typeof strimzi];
    if (!check(object)) throw new Error(ajv.errorsText(check.errors));
    return;
  }
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const module = group?.endsWith('keda.sh')
    ? await import(`@kubernetes-models/keda/${group}/${version}`)
    : group === 'monitoring.coreos.com'
      ? await import(`@kubernetes-models/prometheus-operator/${group}/${version}`)
      : await import(`kubernetes-models/${group ? `${group}/` : ''}${version}`);
  const Model = module[object.kind];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  // kustomize folds long base64 values over lines; Kubernetes' base64 decoding skips the newlines.
  if (object.kind === 'Secret' && object.data)
    object = {
      ...object,
      data: Object.fromEntries(
        Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/\s/g, '')]),
      ),
    };
  new Model(object).validate();
}

/** Every Deployment of an application: one, or a split application's web and worker. */
const workloads = apps.flatMap(workloadsOf);
const appOf = (deployment: string) => workloads.find((w) => w.name === deployment)?.app;

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = rendered[overlay];
  const deployments = ofKind(objects, 'Deployment').filter((d) => appOf(d.metadata.name));

  it('renders, and every object is valid against its schema', async () => {
    expect(objects.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const object of objects) {
      await validate(object).catch((error: Error) =>
        problems.push(`${object.kind}/${object.metadata.name}: ${error.message}`),
      );
    }
    expect(problems).toEqual([]);
  });

  it('pins every image tag (no :latest, no untagged image)', () => {
    const images = objects.flatMap((o) => {
      const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
      return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])].map(
        (c: { image: string }) => c.image,
      );
    });
    expect(images.length).toBeGreaterThan(6);
    for (const image of images) expect(image, image).toMatch(/:(?!latest$)[\w.-]+$|@sha256:/);
  });

  it('runs every application as a hardened Deployment with probes, preStop and its own service account', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(workloads.map((w) => w.name).sort());
    const serviceAccounts = new Map(ofKind(objects, 'ServiceAccount').map((sa) => [sa.metadata.name, sa]));
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const name = deployment.metadata.name;
      const app = appOf(name)?.name as string;
      expect(pod.serviceAccountName, name).toBe(app);
      expect(pod.automountServiceAccountToken, name).toBe(false);
      expect(serviceAccounts.get(app)?.automountServiceAccountToken, name).toBe(false);
      expect(pod.securityContext.runAsNonRoot, name).toBe(true);
      expect(pod.terminationGracePeriodSeconds, name).toBe(TERMINATION_GRACE_SECONDS);
      for (const container of pod.containers) {
        expect(container.securityContext, name).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
        expect(container.startupProbe?.httpGet?.path, name).toBe('/health/live');
        expect(container.readinessProbe?.httpGet?.path, name).toBe('/health/ready');
        expect(container.livenessProbe?.httpGet?.path, name).toBe('/health/live');
        expect(container.lifecycle?.preStop?.exec?.command, name).toEqual(['sleep', expect.any(String)]);
        expect(container.resources?.requests?.cpu && container.resources?.limits?.memory, name).toBeTruthy();
        expect(
          container.volumeMounts.some((m: { mountPath: string }) => m.mountPath === '/tmp'),
          name,
        ).toBe(true);
        // Migrations run as a Job with the migrator's credentials, not at every pod start.
        expect(pod.initContainers, name).toBeUndefined();
      }
    }
    const migrations = ofKind(objects, 'Job').filter((j) => j.metadata.name.endsWith('-migrate'));
    expect(migrations.map((j) => j.metadata.name).sort()).toEqual(
      apps.map((a) => `${a.name}-migrate`).sort(),
    );
    for (const job of migrations)
      expect(job.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toMatch(/-migrator$/);
  });

  it('runs ingest as a web Deployment behind its Service and a worker Deployment without one, from one image', () => {
    const byName = new Map(deployments.map((d) => [d.metadata.name, d]));
    const container = (name: string) => byName.get(name)?.spec.template.spec.containers[0];
    const role = (name: string) =>
      container(name)?.env.find((e: { name: string }) => e.name === 'SERVICE_ROLE')?.value;
    expect(role('ingest')).toBe('web');
    expect(role('ingest-worker')).toBe('worker');
    expect(container('ingest-worker')?.image).toBe(container('ingest')?.image);
    const services = ofKind(objects, 'Service').map((s) => s.spec.selector['app.kubernetes.io/name']);
    expect(services).toContain('ingest');
    expect(services).not.toContain('ingest-worker');
  });

  it('has PodDisruptionBudgets that always let a node drain', () => {
    const budgets = ofKind(objects, 'PodDisruptionBudget');
    expect(budgets).toHaveLength(workloads.length);
    for (const pdb of budgets) {
      expect(pdb.spec.minAvailable, pdb.metadata.name).toBeUndefined();
      expect(pdb.spec.maxUnavailable, pdb.metadata.name).toBeGreaterThanOrEqual(1);
    }
  });

  it('denies by default and lets only ingest and notify be reached from the ingress controller', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny')?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    const fromIngress = policies
      .filter((p) => JSON.stringify(p.spec.ingress ?? []).includes('ingress-nginx'))
      .map((p) => p.metadata.name);
    expect(fromIngress.sort()).toEqual(['ingest', 'notify']);
    for (const app of apps)
      expect(
        policies.some((p) => p.metadata.name === app.name),
        app.name,
      ).toBe(true);
  });

  it(`lets only the ${MONITORING_NAMESPACE} namespace reach /metrics, besides the routes above`, () => {
    const namespace = (name: string) => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
    });
    const allowedPeers = [
      namespace('ingress-nginx'),
      namespace(MONITORING_NAMESPACE),
      { namespaceSelector: { matchLabels: { 'autoverify.io/support-access': 'true' } } },
      { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'support' } } },
    ].map((peer) => JSON.stringify(peer));
    const policies = new Map(ofKind(objects, 'NetworkPolicy').map((p) => [p.metadata.name, p]));
    for (const { name, app } of workloads) {
      const ingress = policies.get(name)?.spec.ingress as { from: unknown[]; ports: unknown[] }[];
      expect(ingress, name).toContainEqual({
        from: [namespace(MONITORING_NAMESPACE)],
        ports: [{ protocol: 'TCP', port: app.port }],
      });
      for (const rule of ingress) {
        expect(rule.ports, name).toEqual([{ protocol: 'TCP', port: app.port }]);
        for (const peer of rule.from) expect(allowedPeers, name).toContain(JSON.stringify(peer));
      }
    }
  });

  it('scales every application on CPU (an HPA, or KEDA with a cpu trigger), never with two autoscalers', () => {
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name);
    const keda = ofKind(objects, 'ScaledObject');
    for (const so of keda)
      expect(so.spec.triggers.some((t: { type: string }) => t.type === 'cpu')).toBe(true);
    const scaled = [...hpas, ...keda.map((s) => s.spec.scaleTargetRef.name)];
    expect(scaled.sort()).toEqual(workloads.map((w) => w.name).sort());
  });

  it('ships a tenants file without local addresses (prod) or the compose one for the in-cluster sandbox (dev)', () => {
    const tenants = ofKind(objects, 'ConfigMap').find((c) =>
      c.metadata.name.startsWith('autoverify-tenants'),
    );
    const text = tenants?.data?.['tenants.json'] as string;
    expect(Value.Check(TenantsFile, JSON.parse(text))).toBe(true);
    if (overlay === 'prod') expect(text).not.toMatch(/127\.0\.0\.1|localhost|"env"/);
    else expect(text).toBe(readFileSync(join(repo, 'config', 'tenants.compose.json'), 'utf8'));
  });
});

describe('prod Kafka resources', () => {
  const objects = rendered.prod;

  it('declares every registry topic with replication 3, min.insync.replicas 2 and the registry retention', () => {
    const declared = ofKind(objects, 'KafkaTopic').map((t) => [
      t.spec.topicName,
      t.spec.partitions,
      t.spec.replicas,
      t.spec.config,
    ]);
    const byName = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(declared.sort(byName)).toEqual(
      allTopics()
        .map((t) => [
          `autoverify.${t.name}`,
          t.partitions,
          REPLICAS,
          { 'retention.ms': t.retentionMs, 'min.insync.replicas': MIN_INSYNC_REPLICAS },
        ])
        .sort(byName),
    );
    expect([REPLICAS, MIN_INSYNC_REPLICAS]).toEqual([3, 2]);
  });

  it('gives each application a SCRAM KafkaUser with exactly its topics and group', () => {
    const users = new Map(ofKind(objects, 'KafkaUser').map((u) => [u.metadata.name, u]));
    for (const app of apps) {
      const acls = users.get(`autoverify-${app.name}`)?.spec.authorization.acls as {
        resource: { type: string; name: string };
        operations: string[];
      }[];
      const access = topicAccess(app);
      const topicsWith = (op: string) =>
        acls
          .filter((a) => a.resource.type === 'topic' && a.operations.includes(op))
          .map((a) => a.resource.name)
          .sort();
      expect(topicsWith('Write'), app.name).toEqual([...access.write].sort());
      expect(topicsWith('Read'), app.name).toEqual([...access.read].sort());
      expect(access.write, app.name).toContain(`autoverify.dlq.${app.name}`);
      if (app.name !== 'support')
        expect(access.read, app.name).toEqual(
          subscriptions[app.name].map((id) => `autoverify.${topics[id].name}`),
        );
      expect(
        acls.some((a) => a.resource.type === 'group' && a.resource.name === `autoverify.${app.name}`),
        app.name,
      ).toBe(true);
    }
  });

  it('connects every application over TLS with its own SCRAM user', () => {
    const common = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'autoverify-common');
    expect(common?.data).toMatchObject({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    for (const deployment of ofKind(objects, 'Deployment')) {
      const env = deployment.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === 'KAFKA_SASL_USERNAME')?.value).toBe(
        `autoverify-${appOf(deployment.metadata.name)?.name}`,
      );
    }
  });
});

describe('prod metrics scraping', () => {
  const objects = rendered.prod;

  it("has one PodMonitor that scrapes /metrics on every application's http port, job = application", () => {
    const monitors = ofKind(objects, 'PodMonitor');
    expect(monitors).toHaveLength(1);
    const spec = monitors[0]?.spec;
    expect(spec.jobLabel).toBe('app.kubernetes.io/name');
    expect(spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    const [expression] = spec.selector.matchExpressions as {
      key: string;
      operator: string;
      values: string[];
    }[];
    expect(spec.selector.matchLabels).toBeUndefined();
    expect(expression?.operator).toBe('In');
    for (const deployment of ofKind(objects, 'Deployment').filter((d) => appOf(d.metadata.name))) {
      const pod = deployment.spec.template;
      const name = deployment.metadata.name;
      expect(expression?.values, name).toContain(pod.metadata.labels[expression?.key as string]);
      const ports = pod.spec.containers.flatMap((c: { ports?: { name: string }[] }) => c.ports ?? []);
      expect(
        ports.map((p: { name: string }) => p.name),
        name,
      ).toContain('http');
    }
  });
});

describe('generated files and copies', () => {
  it('are up to date (run `pnpm --filter @autoverify/infra run generate:k8s`)', () => {
    for (const [path, text] of Object.entries(generatedFiles()))
      expect(readFileSync(join(k8s, path), 'utf8'), path).toBe(text);
  });

  it("dev's PostgreSQL creates the same databases as infra/postgres/create-databases.sql", () => {
    const init = ofKind(rendered.dev, 'ConfigMap').find((c) => c.metadata.name.startsWith('postgres-init'));
    expect(init?.data['create-databases.sql']).toBe(
      readFileSync(join(repo, 'infra', 'postgres', 'create-databases.sql'), 'utf8'),
    );
  });
});
