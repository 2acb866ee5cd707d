// No Docker engine runs on the project's machines, so this test proves the image's build context instead:
// it runs the Dockerfile's steps (infra/image/build-app.ts, checked against the Dockerfile's RUN lines)
// into a temporary folder, checks that only production code and dependencies are left, and starts ingest
// FROM THAT FOLDER with the Dockerfile's CMD against the real Kafka and PostgreSQL until /health/ready.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createTestDatabase, type TestDatabase, type TestKafka, testKafka } from '@autoverify/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDockerfile } from './dockerfile.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const script = join(root, 'infra', 'image', 'build-app.ts');
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const APP_DIR = 'services/ingest';

let work: string;
let app: string;

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  execFileSync(process.execPath, args, {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, ...env },
  });
}

/** Every file and link below dir with its size and mtime: what a run may not change (read-only root fs). */
function snapshot(dir: string, base = dir, into: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isDirectory()) snapshot(path, base, into);
    else into.push(`${relative(base, path)} ${stat.size} ${stat.mtimeMs}`);
  }
  return into;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'app-image-'));
  app = join(work, 'app');
  const out = join(work, 'out');
  // The Dockerfile's stages, step by step: COPY . . / prune; COPY json / install; COPY full / finish.
  run([script, 'prune', APP_DIR, out], root);
  cpSync(join(out, 'json'), app, { recursive: true });
  run([script, 'install'], app);
  cpSync(join(out, 'full'), app, { recursive: true });
  run([script, 'finish', APP_DIR], app);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the Dockerfile', () => {
  it('runs exactly the build steps this test runs, in the same order', () => {
    const appDir = '"$' + '{APP_DIR}"'; // the Dockerfile's build argument, verbatim
    expect(dockerfile.runs.filter((r) => r.includes('build-app.ts'))).toEqual([
      `node infra/image/build-app.ts prune ${appDir} /out`,
      'node /build/build-app.ts install',
      `node /build/build-app.ts finish ${appDir}`,
    ]);
  });

  it('installs the pnpm and turbo the repository pins, on an exactly pinned Node base image', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager: string };
    const turbo = /^\s*turbo:\s*(\S+)/m.exec(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'))?.[1];
    expect(dockerfile.runs).toContain(`npm install -g ${pkg.packageManager} turbo@${turbo}`);
    expect(dockerfile.args.NODE_IMAGE).toMatch(/^node:24\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    expect(dockerfile.user).toBe('node');
  });
});

describe('the application folder', () => {
  it('holds the app and its runtime workspace packages, but no sandbox, test helpers or tests', () => {
    expect(existsSync(join(app, APP_DIR, 'src', 'main.ts'))).toBe(true);
    expect(existsSync(join(app, APP_DIR, 'src', 'generated', 'prisma'))).toBe(true);
    for (const gone of ['sandbox', 'packages/testing', 'packages/service-testing', 'e2e', 'tools'])
      expect(existsSync(join(app, gone)), gone).toBe(false);
    const tests: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        if (entry === 'node_modules') continue;
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) entry === 'test' ? tests.push(path) : walk(path);
        else if (entry.endsWith('.test.ts')) tests.push(path);
      }
    };
    walk(app);
    expect(tests).toEqual([]);
  });

  it('has production dependencies only', () => {
    const installed = readdirSync(join(app, 'node_modules', '.pnpm'));
    const devOnly = installed.filter((name) =>
      /^(testcontainers|dockerode|vitest|@vitest|typescript|@biomejs|turbo|prisma@|fast-check|smtp-server|mailparser)/.test(
        name,
      ),
    );
    expect(devOnly).toEqual([]);
    // No links left pointing at the removed workspace packages.
    const hoisted = join(app, 'node_modules', '.pnpm', 'node_modules', '@autoverify');
    for (const name of existsSync(hoisted) ? readdirSync(hoisted) : [])
      expect(existsSync(join(hoisted, name)), `@autoverify/${name}`).toBe(true);
    expect(installed.some((name) => name.startsWith('kafkajs@'))).toBe(true);
  });
});

describe('ingest started from the application folder', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await db?.drop();
    await kafka?.cleanup();
  });

  it('migrates, creates topics, answers /health/ready and stops cleanly, writing nothing into the folder', async () => {
    const serviceDir = join(app, APP_DIR);
    db = await createTestDatabase('image');
    kafka = await testKafka({ prefix: 'image' });
    // The migration Job's and the create-topics Job's commands, from the same folder.
    run(['../../packages/database/src/cli.ts', 'deploy'], serviceDir, { DATABASE_URL: db.url });
    run(['../../packages/messaging/src/create-topics-cli.ts'], serviceDir, {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_NAMESPACE: kafka.namespace,
    });

    const tenants = readFileSync(join(root, 'config', 'tenants.example.json'), 'utf8').replaceAll(
      'http://127.0.0.1:4000',
      'http://127.0.0.1:9', // nothing listens there: reconciliation polls fail visibly, as they should
    );
    writeFileSync(join(work, 'tenants.json'), tenants);
    mkdirSync(join(work, 'tmp'));
    const port = await freePort();
    const before = snapshot(app).sort();
    const [command, ...args] = dockerfile.cmd;
    // Only what the Deployment sets: no variable of the developer's shell leaks in.
    child = spawn(command === 'node' ? process.execPath : (command as string), args, {
      cwd: serviceDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        NODE_ENV: 'production',
        HOME: join(work, 'tmp'),
        TMPDIR: join(work, 'tmp'),
        DATABASE_URL: db.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_NAMESPACE: kafka.namespace,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        TENANTS_FILE: join(work, 'tenants.json'),
        PLATFORM_WEBHOOK_SECRET: 'image-test-platform-webhook-secret',
        DEMO_PM_ENTRATA_API_KEY: 'image-test-key',
        DEMO_PM_WEBHOOK_SECRET: 'image-test-webhook-secret',
      },
    });
    let output = '';
    child.stdout?.on('data', (c) => {
      output += String(c);
    });
    child.stderr?.on('data', (c) => {
      output += String(c);
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

    // Start-up connects to PostgreSQL and Kafka; seconds normally, 120 s on a loaded machine.
    const deadline = Date.now() + 120_000;
    let ready = 0;
    while (ready !== 200) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`ingest from the image folder did not get ready:\n${output.slice(-4000)}`);
      ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
    expect(snapshot(app).sort()).toEqual(before);
  }, 240_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
