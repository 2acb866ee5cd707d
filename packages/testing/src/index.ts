export * from './database.ts';
// The in-process service harness is @autoverify/service-testing (it needs @autoverify/messaging).
export * from './extra-broker.ts';
export * from './kafka.ts';
export * from './metrics.ts';
export * from './tenants.ts';
export * from './tenants-file.ts';
