/**
 * Starts ONE stack (Kafka topics in a fresh namespace, five databases, the sandbox, the five services as
 * processes) for all e2e files, hands its addresses to the tests, and takes it all down afterwards.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '@autoverify/stack';
import type { TestProject } from 'vitest/node';
import { type E2eContext, e2ePortBase } from './context.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';
import { E2E_TENANT, type E2eTenantsInfo, e2eTenants } from './tenants.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const namespace = `e2e_${randomBytes(4).toString('hex')}`;
  const logDir = join(process.env.AUTOVERIFY_STATE_DIR ?? join(repoRoot, '.local'), namespace);
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'services.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const write = (line: string) => log.write(`${new Date().toISOString()} ${line}\n`);

  let zones: E2eTenantsInfo | undefined;
  const readerToken = `e2e-reader-${randomBytes(16).toString('hex')}`;
  const started = Date.now();
  console.log(`e2e: starting the stack (namespace ${namespace}); service output in ${logFile}`);
  // Every service exports its spans here, as it would to a collector (one-trace.e2e.test.ts reads them).
  const traces = await startOtlpReceiver();
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({
      namespace,
      // E2E_PORT_BASE moves the whole stack when another run holds the default ports (a shared machine).
      portBase: e2ePortBase(),
      tenants: (file) => {
        const adjusted = e2eTenants(file, new Date());
        zones = adjusted.info;
        return adjusted.file;
      },
      env: {
        // Report uploads retry after 1 s, 2 s, 4 s... instead of 5 s, 10 s, 20 s: the fault test waits less.
        SYNC_RETRY_DELAY_SECONDS: '1',
        // A platform webhook waits ~14 s (2 + 4 + 8 s) for its mapping instead of ~45 min, so the test of a
        // webhook that never maps sees its final, support-visible outcome.
        PLATFORM_MAPPING_RETRIES: '3',
        OTEL_EXPORTER_OTLP_ENDPOINT: traces.url,
        // Batches leave every 0.5 s instead of 5 s: a test waits less for the spans of what it just did.
        OTEL_BSP_SCHEDULE_DELAY: '500',
      },
      // The support console's tests of what a person without a scope cannot do.
      supportTokens: [{ name: 'e2e-reader', token: readerToken, scopes: ['timeline:read'] }],
      output: write,
      log: (message) => write(`stack        ${message}`),
    });
  } catch (error) {
    log.end();
    await traces.stop();
    throw new Error(
      `e2e: the stack did not start (${(error as Error).message}); service output in ${logFile}`,
      {
        cause: error,
      },
    );
  }
  console.log(`e2e: stack ready in ${Math.round((Date.now() - started) / 1000)} s`);
  if (!zones) throw new Error('e2e: the tenants adjustment did not run');

  const context: E2eContext = {
    namespace,
    brokers: stack.brokers.split(','),
    urls: {
      ingest: stack.urls.ingest,
      invite: stack.urls.invite,
      reminder: stack.urls.reminder,
      notify: stack.urls.notify,
      'report-sync': stack.urls['report-sync'],
      sandbox: stack.urls.sandbox,
    },
    tenantId: E2E_TENANT,
    org: E2E_TENANT,
    ...zones,
    logFile,
    support: { url: stack.urls.support, token: stack.supportToken, readerToken },
    traces: traces.url,
  };
  project.provide('e2e', context);

  return async () => {
    // The namespace is this run's alone: nothing else will read its databases or topics again.
    await stack.stop({ removeData: true });
    // After the services: they export their last spans while shutting down.
    await traces.stop();
    log.end();
  };
}
