export * from './database.ts';
export * from './kafka.ts';
export * from './tenants.ts';
export * from './tenants-file.ts';
// The service harness is `@autoverify/testing/service`: it needs @autoverify/messaging, whose own tests
// use this entry point.
