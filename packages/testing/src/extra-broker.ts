// A second, throw-away Kafka broker for the tests that must not touch the shared one: stopping a broker
// under a running service, or TLS + SASL/SCRAM + mTLS listeners. Same jars as infra/local-kafka (Maven
// Central, cached), its own ports and state folder; certificates made with openssl for this run only.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const kafkaScript = join(repoRoot, 'infra', 'local-kafka', 'kafka.sh');
const log4jConfig = join(repoRoot, 'infra', 'local-kafka', 'log4j2.xml');

export interface ScramUser {
  name: string;
  password: string;
}

export interface ExtraBrokerOptions {
  /** Adds a SASL_SSL listener (SCRAM-SHA-512) and an SSL listener that requires client certificates. */
  secure?: { users: ScramUser[] };
}

export interface ExtraBroker {
  /** PLAINTEXT listener (also the inter-broker one). */
  plaintext: string;
  /** SASL_SSL listener, SCRAM-SHA-512 (with `secure`). */
  saslSsl: string;
  /** SSL listener that requires a client certificate signed by the CA (with `secure`). */
  mtls: string;
  /** PEM files (with `secure`): the CA, and a client certificate + key it signed. */
  files: { ca: string; clientCert: string; clientKey: string };
  /** Freezes the broker (SIGSTOP): connections stay open but nothing answers, as in a network blip. */
  pause(): void;
  /** Lets a paused broker carry on (SIGCONT). */
  resume(): void;
  /** SIGTERM and wait; the state folder is deleted. Safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function makeCertificates(dir: string): ExtraBroker['files'] & { brokerPem: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=autoverify-test-ca',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const name of ['broker', 'client']) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );
  }
  // Kafka's PEM key store: the unencrypted PKCS#8 key followed by the certificate chain.
  const brokerPem = join(dir, 'broker.pem');
  writeFileSync(
    brokerPem,
    execFileSync('cat', [join(dir, 'broker.key'), join(dir, 'broker.crt'), join(dir, 'ca.crt')]),
  );
  return {
    ca: join(dir, 'ca.crt'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    brokerPem,
  };
}

// A JVM start on a loaded 2-core machine takes 3-10 s; 120 s (kafka.sh's own default) fails clearly
// instead of hanging when the broker cannot start.
const START_TIMEOUT_MS = 120_000;

export async function startExtraBroker(options: ExtraBrokerOptions = {}): Promise<ExtraBroker> {
  const libs = execFileSync('bash', [kafkaScript, 'libs'], { encoding: 'utf8' }).trim();
  const dir = mkdtempSync(join(tmpdir(), 'extra-kafka-'));
  const [plain, sasl, mtls, controller] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const files = options.secure
    ? makeCertificates(dir)
    : { ca: '', clientCert: '', clientKey: '', brokerPem: '' };
  const listeners = [`PLAINTEXT://127.0.0.1:${plain}`];
  const protocols = ['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT'];
  const secureProps: string[] = [];
  if (options.secure) {
    listeners.push(`SASL_SSL://127.0.0.1:${sasl}`, `SSL://127.0.0.1:${mtls}`);
    protocols.push('SASL_SSL:SASL_SSL', 'SSL:SSL');
    secureProps.push(
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${files.brokerPem}`,
      'ssl.truststore.type=PEM',
      `ssl.truststore.location=${files.ca}`,
      'listener.name.ssl.ssl.client.auth=required',
    );
  }
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controller}`,
      'controller.listener.names=CONTROLLER',
      `listeners=${[...listeners, `CONTROLLER://127.0.0.1:${controller}`].join(',')}`,
      `advertised.listeners=${listeners.join(',')}`,
      'inter.broker.listener.name=PLAINTEXT',
      `listener.security.protocol.map=${protocols.join(',')}`,
      `log.dirs=${join(dir, 'data')}`,
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'num.network.threads=2',
      'num.io.threads=2',
      ...secureProps,
      '',
    ].join('\n'),
  );
  const java = (mainClass: string, args: string[]) => [
    '-Xmx384m',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
    '-cp',
    `${libs}/*`,
    mainClass,
    ...args,
  ];
  const scram = (options.secure?.users ?? []).flatMap((u) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`,
  ]);
  execFileSync(
    'java',
    java('kafka.tools.StorageTool', ['format', '-t', randomClusterId(), '-c', props, ...scram]),
    {
      stdio: 'pipe',
    },
  );

  const child: ChildProcess = spawn('java', java('kafka.Kafka', [props]), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
    }
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForStart(`127.0.0.1:${plain}`, () => output, exited);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    plaintext: `127.0.0.1:${plain}`,
    saslSsl: `127.0.0.1:${sasl}`,
    mtls: `127.0.0.1:${mtls}`,
    files: { ca: files.ca, clientCert: files.clientCert, clientKey: files.clientKey },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop,
  };
}

async function waitForStart(broker: string, output: () => string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`extra Kafka broker exited during start-up:\n${output().slice(-3000)}`);
    if (output().includes('Kafka Server started')) {
      const admin = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
        return;
      } catch {
        // not answering yet
      } finally {
        await admin.disconnect().catch(() => {});
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`extra Kafka broker not ready after ${START_TIMEOUT_MS} ms:\n${output().slice(-3000)}`);
}

/** 16 random bytes, base64url, not starting with '-' (as Kafka's Uuid.randomUuid()). */
function randomClusterId(): string {
  for (;;) {
    const id = crypto.getRandomValues(new Uint8Array(16));
    const text = Buffer.from(id).toString('base64url');
    if (!text.startsWith('-')) return text;
  }
}
