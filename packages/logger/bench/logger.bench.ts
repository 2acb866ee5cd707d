/**
 * Prints what logging costs (run by hand: `node packages/logger/bench/logger.bench.ts [--max-kb 64]`):
 *   1. redactText on hostile text (the shapes that made the old email pattern quadratic), 1 KB .. max KB;
 *   2. one request line carrying a hostile URL of 16 / 64 KB, as fastify logs it (`{ req }`);
 *   3. throughput of ordinary lines: fastify's two lines per request, and an application line with nested
 *      objects (the redaction path of every line).
 * Numbers are medians of several runs, in microseconds per call (µs) or lines per second.
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createLogger, redactText } from '../src/index.ts';

const { values } = parseArgs({ options: { 'max-kb': { type: 'string', default: '64' } } });
const maxKb = Number(values['max-kb']);

const sink = new Writable({
  write(_chunk, _encoding, done) {
    done();
  },
});
const logger = createLogger({ service: 'bench', level: 'info', destination: sink });

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** µs per call: the median of `runs` runs of `reps` calls each. */
function timePerCall(fn: () => void, reps: number, runs = 7): number {
  fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1000 / reps);
  }
  return median(samples);
}

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);

const shapes: Record<string, (n: number) => string> = {
  'letters (aaaa…)': (n) => 'a'.repeat(n),
  'digits (1111…)': (n) => '1'.repeat(n),
  'dotted (a@b.b.b…)': (n) => `a@${'b.'.repeat(n / 2)}`,
  'at signs (a@a@…)': (n) => 'a@'.repeat(n / 2),
  'phone-ish (+1 555 …)': (n) => '+1 555 '.repeat(Math.ceil(n / 7)).slice(0, n),
};

console.log('1. redactText on hostile text (time per call)');
const sizes = [1, 4, 16, 64].filter((kb) => kb <= maxKb);
console.log(`   ${'shape'.padEnd(24)}${sizes.map((kb) => `${kb} KB`.padStart(12)).join('')}`);
for (const [name, make] of Object.entries(shapes)) {
  const cells = sizes.map((kb) => {
    const text = `/unsubscribe/${make(kb * 1024)}`;
    return fmt(timePerCall(() => redactText(text), kb >= 16 ? 3 : 20, 3)).padStart(12);
  });
  console.log(`   ${name.padEnd(24)}${cells.join('')}`);
}

console.log('\n2. one request line with a hostile URL, as fastify logs it (time per line)');
for (const kb of [16, 64].filter((k) => k <= maxKb)) {
  const req = { method: 'POST', url: `/unsubscribe/${'a'.repeat(kb * 1024)}`, headers: {}, socket: {} };
  console.log(`   ${kb} KB URL: ${fmt(timePerCall(() => logger.info({ req }, 'incoming request'), 5, 5))}`);
}

console.log('\n3. ordinary lines (lines per second)');
const child = logger.child({ reqId: 'req-1', request_id: '0f4e3c1a-1b2c-4d5e-8f90-1234567890ab' });
const req = {
  method: 'POST',
  url: '/webhooks/entrata/acme',
  headers: { 'content-type': 'application/json' },
  socket: { remotePort: 51234 },
};
const res = { statusCode: 202 };
const perRequest = timePerCall(() => {
  child.info({ req }, 'incoming request');
  child.info({ res, responseTime: 1.23 }, 'request completed');
}, 20_000);
console.log(
  `   fastify, 2 lines per request: ${Math.round(2e6 / perRequest).toLocaleString('en-US')} lines/s`,
);
const appLine = {
  tenantId: 'acme',
  applicationId: '0b8f0f0e-5c33-5b2d-9d7a-3b7c7b2f6a10',
  job: { name: 'sync-application', attempt: 1, data: { leadId: 12345, propertyId: '100001' } },
  applicants: [
    { applicantId: 'a-1', role: 'primary', email: 'jane@example.com' },
    { applicantId: 'a-2', role: 'guarantor', phone: '+15551234567' },
  ],
};
const perApp = timePerCall(() => logger.info(appLine, 'application synced'), 20_000);
console.log(`   application line, nested: ${Math.round(1e6 / perApp).toLocaleString('en-US')} lines/s`);
