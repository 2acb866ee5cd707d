// docker-compose.yml cannot be run here (no Docker engine). What can be checked is checked: every
// application's environment (env_file + environment) passes its own configuration schema and Kafka
// settings, the build arguments name real folders the Dockerfile builds, the commands exist in the
// images, and no image floats on :latest.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaConnectionFromEnv, loadEnv, loadTenants } from '@autoverify/config';
import { TenantsFile } from '@autoverify/contracts';
import type { TObject } from 'typebox';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseDockerfile } from './image/test/dockerfile.ts';
import { apps, workloadsOf } from './k8s/generate/apps.ts';

interface ComposeService {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  command?: string[];
  env_file?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const root = join(import.meta.dirname, '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));

function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(root, path), 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1] as string] = match[2] as string;
  }
  return env;
}

function environmentOf(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of service.env_file ?? []) Object.assign(env, envFile(file));
  for (const [name, value] of Object.entries(service.environment ?? {})) env[name] = String(value);
  return env;
}

async function schemaOf(dir: string): Promise<TObject> {
  const module = (await import(join(root, dir, 'src', 'config.ts'))) as Record<string, unknown>;
  const schema = Object.values(module).find(
    (v): v is TObject =>
      typeof v === 'object' && v !== null && 'properties' in v && 'DATABASE_URL' in (v as TObject).properties,
  );
  if (!schema) throw new Error(`${dir}/src/config.ts exports no env schema`);
  return schema;
}

describe('docker-compose.yml', () => {
  it('runs every application, its migration, the sandbox, Kafka, PostgreSQL, topic creation and LGTM', () => {
    for (const app of apps) {
      expect(services[app.name]?.build?.args?.APP_DIR, app.name).toBe(app.dir);
      expect(services[`${app.name}-migrate`]?.command, app.name).toEqual([
        'node',
        '../../packages/database/src/cli.ts',
        'deploy',
      ]);
      expect(services[app.name]?.depends_on?.[`${app.name}-migrate`]?.condition, app.name).toBe(
        'service_completed_successfully',
      );
      expect(services[app.name]?.depends_on?.['create-topics']?.condition, app.name).toBe(
        'service_completed_successfully',
      );
    }
    for (const name of ['kafka', 'postgres', 'sandbox', 'create-topics', 'lgtm'])
      expect(services[name], name).toBeDefined();
    expect(services['create-topics']?.command).toEqual([
      'node',
      '../../packages/messaging/src/create-topics-cli.ts',
    ]);
    expect(existsSync(join(root, 'packages/messaging/src/create-topics-cli.ts'))).toBe(true);
    expect(services.lgtm?.image).toMatch(/^grafana\/otel-lgtm:/);
  });

  it('builds only folders that exist, with the Dockerfile it has, and pins every image', () => {
    expect(Object.keys(dockerfile.args)).toContain('NODE_IMAGE');
    for (const [name, service] of Object.entries(services)) {
      if (service.build) {
        const dir = service.build.args?.APP_DIR ?? '';
        expect(existsSync(join(root, dir, 'package.json')), `${name}: APP_DIR ${dir}`).toBe(true);
      } else expect(service.image, name).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
    }
  });

  it('runs a split application as its web service and a worker service from the same folder', () => {
    for (const { name, app, role } of apps.flatMap(workloadsOf).filter((w) => w.role)) {
      expect(services[name]?.build?.args?.APP_DIR, name).toBe(app.dir);
      expect(environmentOf(services[name] as ComposeService).SERVICE_ROLE, name).toBe(role);
      expect(services[name]?.depends_on?.[`${app.name}-migrate`]?.condition, name).toBe(
        'service_completed_successfully',
      );
    }
  });

  it('gives every application an environment its configuration schema accepts', async () => {
    for (const { name, app } of apps.flatMap(workloadsOf)) {
      const env = environmentOf(services[name] as ComposeService);
      const config = loadEnv(await schemaOf(app.dir), env) as Record<string, unknown>;
      expect(() => kafkaConnectionFromEnv(config)).not.toThrow();
      expect(config.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe(
        'http://lgtm:4318',
      );
      if (app.tenants) {
        const mount = services[name]?.volumes?.find((v) => v.endsWith(`:${env.TENANTS_FILE}:ro`));
        const file = mount?.split(':')[0] as string;
        expect(Value.Check(TenantsFile, JSON.parse(readFileSync(join(root, file), 'utf8'))), name).toBe(true);
        // Its secret references resolve from the container's environment.
        expect(() => loadTenants(join(root, file), env), name).not.toThrow();
      }
    }
  });
});
