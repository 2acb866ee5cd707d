/**
 * The references every figure is printed beside, measured in the same run on the same (busy) machine:
 * a bare webhook server (reference/webhook-server.ts), a plain kafkajs produce -> consume round trip on the
 * same broker, and a bare Node process (memory, idle CPU). A ratio to its reference says what our code
 * costs; an absolute number alone would mostly say how loaded the machine was.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForServingLeaders } from '@autoverify/messaging';
import { createTestDatabase } from '@autoverify/testing';
import { Kafka, logLevel } from 'kafkajs';

export interface ReferenceProcess {
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `node <args>` and resolves once it printed `ready` (or at once when ready is undefined). */
function spawnNode(args: string[], ready?: string): Promise<ReferenceProcess> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => false), sleep(5000).then(() => true)])) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data;
      if (ready !== undefined && output.includes(ready)) resolve({ pid: child.pid as number, stop });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.once('exit', (code) => reject(new Error(`reference process exited (${code}): ${output}`)));
    if (ready === undefined) resolve({ pid: child.pid as number, stop });
  });
}

/** Fastify + HMAC check + one pg insert, in a database of its own (dropped by stop()). */
export async function startReferenceWebhookServer(
  port: number,
  secret: string,
): Promise<ReferenceProcess & { url: string }> {
  const database = await createTestDatabase('bench_reference');
  try {
    const server = await spawnNode(
      [join(import.meta.dirname, 'reference', 'webhook-server.ts'), String(port), database.url, secret],
      'listening',
    );
    return {
      ...server,
      url: `http://127.0.0.1:${port}`,
      async stop() {
        await server.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** A Node process that does nothing (an interval keeps it alive): the floor of RSS and idle CPU. */
export const startBareNode = (): Promise<ReferenceProcess> =>
  spawnNode(['-e', 'setInterval(() => {}, 1 << 30); console.log("ready")'], 'ready');

/**
 * Plain kafkajs on the given broker: one message produced, then awaited by a consumer, `count` times one
 * after the other (after `warmUp` uncounted ones). Milliseconds from send() to eachMessage, per message.
 */
export async function kafkaRoundTrips(brokers: string, count: number, warmUp = 20): Promise<number[]> {
  const kafka = new Kafka({
    brokers: brokers.split(','),
    clientId: 'bench-reference',
    logLevel: logLevel.NOTHING,
  });
  const topic = `bench-reference-${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  // A leader in the metadata is not yet one that serves (KRaft): wait as the services' topic set-up does.
  await waitForServingLeaders(admin, [topic]);
  // More retries than kafkajs's 5: on a loaded broker the new partition's leader may not serve yet.
  const producer = kafka.producer({ retry: { retries: 10 } });
  const consumer = kafka.consumer({ groupId: topic, maxWaitTimeInMs: 100 });
  const waiting = new Map<string, () => void>();
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => waiting.get(String(message.value))?.(),
    });
    const latencies: number[] = [];
    for (let i = 0; i < warmUp + count; i++) {
      const id = `${i}`;
      const consumed = new Promise<void>((resolve) => waiting.set(id, resolve));
      const started = performance.now();
      await producer.send({ topic, acks: -1, messages: [{ key: id, value: id }] });
      await consumed;
      if (i >= warmUp) latencies.push(performance.now() - started);
      waiting.delete(id);
    }
    return latencies;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** sysconf(_SC_CLK_TCK): 100 on every Linux this runs on (x86-64, arm64). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Starts counting each process's CPU time; the function returns the seconds each has used since. */
export function cpuSince<Name extends string>(pids: Map<Name, number>): () => Map<Name, number> {
  const before = new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid)]));
  return () =>
    new Map([...pids].map(([name, pid]) => [name, cpuSeconds(pid) - (before.get(name) as number)]));
}

/** CPU seconds each process used while `ms` passed (all measured over the same window). */
export async function idleCpu(pids: Map<string, number>, ms: number): Promise<Map<string, number>> {
  const used = cpuSince(pids);
  await sleep(ms);
  return used();
}

/** `a / b` as "1.8x", or "-" when either is missing. */
export const ratio = (value: number, reference: number): string =>
  Number.isFinite(value) && Number.isFinite(reference) && reference > 0
    ? `${(value / reference).toFixed(1)}x`
    : '-';
