import type { ValidationProblem } from '@autoverify/contracts';

/** Thrown by a handler when retrying cannot help (bad data, a rule violated): the message goes straight to the DLQ. */
export class PermanentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** An event that does not match its contract; never published, and dead-lettered when consumed. */
export class InvalidEventError extends Error {
  readonly problems: ValidationProblem[];
  constructor(what: string, problems: ValidationProblem[]) {
    super(`invalid ${what}: ${formatProblems(problems)}`);
    this.name = 'InvalidEventError';
    this.problems = problems;
  }
}

export function formatProblems(problems: readonly ValidationProblem[]): string {
  return problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ');
}
