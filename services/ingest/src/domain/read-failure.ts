import type {
  ApplicationReadFailedV2,
  ApplicationReadFailureReasonV2,
  PayloadOf,
} from '@autoverify/contracts';
import { isEntrataError } from '@autoverify/entrata-client';
import { redactText } from '@autoverify/logger';

/** Why an application sync ended failed, in the words support reads on the timeline. */
export interface ReadFailure {
  reasonCode: ApplicationReadFailureReasonV2;
  detail: string;
  action: string;
}

const RETRY_BY_POLL =
  'The reconciliation poll tries a failed application of a configured property (entrata.propertyIds) again after an hour.';
const CHECK_TENANT = (tenantId: string) =>
  `Run \`pnpm support tenant check ${tenantId}\` to check the Entrata credentials, properties and method access.`;

const MAX_DETAIL = 2000;

function failure(reasonCode: ApplicationReadFailureReasonV2, detail: string, action: string): ReadFailure {
  // Entrata's messages may echo what was sent; personal data never reaches the timeline or the row.
  return { reasonCode, detail: redactText(detail).slice(0, MAX_DETAIL), action };
}

export const readFailures = {
  tenantUnknown: (tenantId: string) =>
    failure(
      'tenant_unknown',
      `tenant "${tenantId}" is not in the tenants file`,
      'Add the customer to the tenants file (docs/adding-a-customer.md), or ask them to switch the webhook off; then send the webhook again.',
    ),

  notFound: (tenantId: string, entrataApplicationId: string, propertyId: string) =>
    failure(
      'application_not_found',
      `application ${entrataApplicationId} not found by getLeads in property ${propertyId}`,
      `Check in Entrata that application ${entrataApplicationId} exists at property ${propertyId} and that the API user may see that property. ${CHECK_TENANT(tenantId)} ${RETRY_BY_POLL}`,
    ),

  noApplicants: (why: string) =>
    failure(
      'no_applicants',
      `no applicant to invite (${why})`,
      'Check the roles (Primary, Co-Applicant, Guarantor) and contact details of the people on the application in Entrata; the next webhook or poll reads it again.',
    ),

  /** Beyond ApplicationSubmitted's limits (domain/limits.ts): `problems` name the fields, never their values. */
  tooLarge: (problems: string[]) =>
    failure(
      'application_too_large',
      `the application is beyond the limits of ApplicationSubmitted: ${problems.join('; ')}`,
      'Check the application in Entrata: too many people on it, or a name or other text far longer than a real one. Correct it there; the next webhook or poll reads it again.',
    ),

  /** A failed Entrata read: rejected, unreadable, or still failing when the retries ran out. */
  fromError(tenantId: string, error: unknown, attempts: number, retriesExhausted: boolean): ReadFailure {
    if (!isEntrataError(error))
      return failure(
        'entrata_response_invalid',
        `unexpected error: ${(error as Error)?.message ?? String(error)}`,
        `An error of ours, not Entrata's: report it to engineering with the application id. ${RETRY_BY_POLL}`,
      );
    if (error.retryable && retriesExhausted)
      return failure(
        'entrata_unavailable',
        `gave up after ${attempts} attempts: ${error.message}`,
        `Entrata kept failing or limiting us for about an hour and a half; nothing is lost. ${RETRY_BY_POLL} If it lasts, check Entrata's status and the customer's rate limits.`,
      );
    if (error.kind === 'invalid_response')
      return failure(
        'entrata_response_invalid',
        error.message,
        `Entrata answered in a shape we cannot read: report it to engineering with the application id and the detail. ${RETRY_BY_POLL}`,
      );
    return failure(
      'entrata_rejected',
      error.message,
      `Entrata refused the call (see the detail: credentials, property, method access or parameters). ${CHECK_TENANT(tenantId)} ${RETRY_BY_POLL}`,
    );
  },
};

/** The ApplicationReadFailed payload for a failure of one sync. */
export function readFailedPayload(
  failed: ReadFailure,
  job: {
    applicationId: string;
    entrataApplicationId: string;
    propertyId: string;
    source: 'webhook' | 'reconciliation';
    attempts: number;
  },
): PayloadOf<typeof ApplicationReadFailedV2> {
  return {
    applicationId: job.applicationId,
    entrataApplicationId: job.entrataApplicationId,
    propertyId: job.propertyId,
    source: job.source,
    reasonCode: failed.reasonCode,
    detail: failed.detail,
    action: failed.action.slice(0, 1000),
    attempts: job.attempts,
  };
}
