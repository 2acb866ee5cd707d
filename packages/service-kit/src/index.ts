export {
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
export { type Lifecycle, type RunServiceOptions, runService, type StopHook } from './lifecycle.ts';
export { consumerLivenessCheck } from './probes.ts';
export { type FieldError, PROBLEM_CONTENT_TYPE, type Problem, sendProblem } from './problem.ts';
