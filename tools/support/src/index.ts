export { SupportEnv } from './config.ts';
export { parseApplicationRef } from './domain/application-ref.ts';
export { factsOf, outcomeOf, producerOf, traceIdOf } from './domain/events.ts';
export { maskName, maskPersonalData } from './domain/masking.ts';
export { authenticate, loadTokens, type Scope, scopes, sha256Hex } from './domain/tokens.ts';
export { type SupportContext, supportService } from './service.ts';
