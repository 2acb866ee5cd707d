export * from './database.ts';
export * from './kafka.ts';
export * from './tenants.ts';
export * from './tenants-file.ts';
// The in-process service harness is @autoverify/service-testing (it needs @autoverify/messaging).
export * from './extra-broker.ts';
