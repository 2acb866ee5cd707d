export { type Command, parseCommand, UsageError } from './cli/args.ts';
export { type Env, envSchema } from './config.ts';
export { type SupportConsole, supportConsole } from './console.ts';
export { parseApplicationRef } from './domain/application-ref.ts';
export { factsOf, outcomeOf, producerOf, traceIdOf } from './domain/events.ts';
export { maskName, maskPersonalData } from './domain/masking.ts';
export { authenticate, loadTokens, type Scope, scopes, sha256Hex } from './domain/tokens.ts';
export { type RunningSupport, type StartSupportOptions, startSupport } from './service.ts';
