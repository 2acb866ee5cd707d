// The service shape (docs/architecture.md "The one service shape").
export { type BearerAuthOptions, type BearerCheck, bearerAuth, checkBearer } from './bearer.ts';
export { type Clock, fixedClock, systemClock } from './clock.ts';
export { type Database, type SqlTransaction, type Statement, sqlText } from './database.ts';
// Building blocks under the shape (and, until they are converted, the services that wire them by hand).
export {
  type ConsumerService,
  type EventServiceEnv,
  type EventServiceInfrastructure,
  type EventServiceParts,
  type RunningEventService,
  type StartEventServiceOptions,
  startEventService,
} from './event-service.ts';
export {
  addLivenessCheck,
  addReadinessCheck,
  type CreateHttpServerOptions,
  createHttpServer,
  type HttpServer,
} from './http.ts';
export { MAX_INBOX_QUERY_IDS } from './inbox-admin.ts';
export {
  defineJob,
  type JobAttempt,
  type JobDefinition,
  type JobRetry,
  type JobRun,
  type Jobs,
  type JobWorker,
  type SendOptions,
  worker,
} from './job.ts';
export {
  type JobHandler,
  type JobInfo,
  type JobQueue,
  type QueueTx,
  type SendJobOptions,
  type StartJobQueueOptions,
  startJobQueue,
  type WorkOptions,
} from './jobs.ts';
export type { Lifecycle, RunServiceOptions, StopHook } from './lifecycle.ts';
export { type Listener, listen } from './listen.ts';
export {
  type ErasedCounts,
  type ErasureRequest,
  erasureHandler,
  type PrivacyParts,
  retentionCutoff,
  retentionJob,
  retentionWorker,
} from './privacy.ts';
export { consumerLivenessCheck } from './probes.ts';
export { type FieldError, PROBLEM_CONTENT_TYPE, type Problem, sendProblem } from './problem.ts';
export { logOutcome } from './request-log.ts';
export { partsOfRole, type RoleParts, type ServiceRole } from './role.ts';
export { runService } from './run-service.ts';
export {
  type AnyServiceDefinition,
  type DatabasePool,
  defineService,
  type ServiceClient,
  type ServiceContext,
  type ServiceDefinition,
  type ServiceEnv,
  type ServiceParts,
  type TxOf,
} from './service.ts';
export { type RunningService, type ServiceRuntime, startService } from './start-service.ts';
