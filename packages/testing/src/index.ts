export * from './kafka.ts';
export * from './database.ts';
