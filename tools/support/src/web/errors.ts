import { RerunUnavailableError } from '../console/reruns.ts';
import { BadApplicationRefError } from '../domain/application-ref.ts';
import { NotRedrivableError, UnknownConsumerError } from '../domain/dead-letters.ts';
import { ReplayRequestError } from '../domain/replay.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { type Html, html } from './html.ts';

/** A page's problem in plain words; the same domain errors the admin API turns into problems. */
export class BadFormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadFormError';
  }
}

interface Known {
  status: number;
  title: string;
  detail: string;
}

function of(error: unknown): Known | null {
  const detail = (error as Error).message;
  if (
    error instanceof BadFormError ||
    error instanceof BadApplicationRefError ||
    error instanceof ReplayRequestError ||
    error instanceof UnknownConsumerError
  )
    return { status: 400, title: 'Cannot do that', detail };
  if (error instanceof NotFoundError) return { status: 404, title: 'Not found', detail };
  if (error instanceof ConflictError) return { status: 409, title: 'Already done', detail };
  if ((error as { code?: unknown }).code === 'P2002')
    return {
      status: 409,
      title: 'Already done',
      detail: 'someone else did the same thing at the same moment',
    };
  if (error instanceof NotRedrivableError) return { status: 422, title: 'Cannot redrive', detail };
  if (error instanceof RerunUnavailableError) return { status: 503, title: 'Service unavailable', detail };
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, title: 'Bad request', detail };
  return null;
}

export const errorPage = Object.assign(
  (detail: string): Html =>
    html`<p class="problem" role="alert">${detail}</p><p><a href="/">Back to the search</a></p>`,
  { of },
);
