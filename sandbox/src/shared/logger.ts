import type { FastifyBaseLogger } from 'fastify';

/** The sandbox logs through fastify's pino instance, so every module shares one logger. */
export type Logger = FastifyBaseLogger;
