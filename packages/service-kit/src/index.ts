export { addReadinessCheck, type CreateHttpServerOptions, createHttpServer, type HttpServer } from './http.ts';
export { type FieldError, PROBLEM_CONTENT_TYPE, type Problem, sendProblem } from './problem.ts';
