// `make dev`: the whole system on this machine, with the sandbox playing Entrata, the verification
// platform, email and SMS. Ctrl-C stops everything it started.
import { startStack } from '../tools/stack/src/index.ts';

const stack = await startStack();
const { urls } = stack;
console.log(`
autoverify is running.
  Entrata webhook (ingest)   ${urls.ingest}/webhooks/entrata/demo-pm
  Platform webhook (ingest)  ${urls.ingest}/webhooks/verification-platform
  Service health             ${Object.entries(urls)
    .filter(([name]) => !['sandbox', 'smtpPort'].includes(name))
    .map(([name, url]) => `${name} ${url}/health/ready`)
    .join('\n                             ')}
  Sandbox API docs           ${urls.sandbox}/docs
  Sandbox SMTP               127.0.0.1:${urls.smtpPort}
  Kafka                      ${stack.brokers} (topics "${stack.namespace}.*")

Run the scripted walk-through in another terminal:  make demo
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping...');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
