import { describe, expect, it } from 'vitest';
import { dockerAvailable } from './containers.ts';
import { ensureKafka, ensurePostgres, LOCAL_POSTGRES_ADMIN_URL } from './infrastructure.ts';

describe('choosing Kafka and PostgreSQL', () => {
  it('uses what the environment names, and leaves it running', async () => {
    const kafka = await ensureKafka({ KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092' });
    expect(kafka.address).toBe('kafka-1:9092,kafka-2:9092');
    await kafka.release();
    const postgres = await ensurePostgres({ DATABASE_ADMIN_URL: 'postgresql://admin@db:5432/postgres' });
    expect(postgres.address).toBe('postgresql://admin@db:5432/postgres');
    await postgres.release();
  });

  it('falls back to this machine when no container runtime answers', async () => {
    if (await dockerAvailable()) return; // machines with Docker get containers instead (not run here)
    expect((await ensurePostgres({})).address).toBe(LOCAL_POSTGRES_ADMIN_URL);
  });
});
