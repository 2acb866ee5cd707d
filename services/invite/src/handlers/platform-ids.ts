import type { Tenants } from '@autoverify/config';
import { isVerificationPlatformError, type PlatformApplicant } from '@autoverify/verification-client';
import { idsUnavailableDetail } from '../domain/blocks.ts';
import type { VerificationKind } from '../domain/notification-id.ts';
import { matchPlatformApplicants, verificationRefs } from '../domain/platform-mapping.ts';
import type { Applicant, Application } from '../generated/prisma/client.ts';
import type { RequestVerificationDeps, RunState } from './run-state.ts';

/** One run's view of the application, shared by the platform steps. */
export interface SyncContext {
  application: Application & { applicants: Applicant[] };
  settings: ReturnType<Tenants['property']>;
  kinds: VerificationKind[];
  state: RunState;
  /** The job's last attempt: a transient failure is then reported instead of retried. */
  finalAttempt: boolean;
}

type Read =
  | { kind: 'read'; applicants: PlatformApplicant[] | undefined; how: string }
  | { kind: 'retry'; error: Error };

/**
 * Pairs our applicants with the platform's (NOT DOCUMENTED ids): from the answer at hand, else from a read of
 * the group. Whoever cannot be paired is held as platform_ids_unavailable in that group: recorded and
 * reported, never guessed; a read that failed transiently is retried by the job first.
 */
export async function mapGroupApplicants(
  deps: RequestVerificationDeps,
  ctx: SyncContext,
  groupId: string,
  ours: Applicant[],
  given: PlatformApplicant[] | undefined,
  givenHow: string,
): Promise<void> {
  const pair = (theirs: PlatformApplicant[] | undefined) =>
    theirs
      ? matchPlatformApplicants(
          ours.map((a) => ({ ...a, applicantId: a.id })),
          theirs,
        )
      : new Map<string, PlatformApplicant>();
  let matches = pair(given);
  let how = givenHow;
  if (matches.size < ours.length) {
    const read = await readGroup(deps, groupId);
    if (read.kind === 'retry' && !ctx.finalAttempt) {
      ctx.state.retryable ??= read.error;
      for (const applicant of ours.filter((a) => !matches.has(a.id)))
        ctx.state.held.push({
          applicant,
          reason: 'platform_ids_unavailable',
          detail: '',
          groupId,
          report: false,
        });
    } else {
      how =
        read.kind === 'read' ? read.how : `reading the group failed after every retry: ${read.error.message}`;
      if (read.kind === 'read') matches = new Map([...matches, ...pair(read.applicants)]);
    }
  }
  for (const applicant of ours) {
    const theirs = matches.get(applicant.id);
    if (theirs)
      ctx.state.recorded.push({
        applicant,
        groupId,
        platformApplicantId: theirs.id,
        // What we sent is what the platform has; its echo may omit or reformat the contact.
        email: applicant.email,
        phone: applicant.mobilePhone,
        verifications: verificationRefs(theirs),
      });
    else if (!ctx.state.held.some((h) => h.applicant.id === applicant.id))
      ctx.state.held.push({
        applicant,
        reason: 'platform_ids_unavailable',
        detail: idsUnavailableDetail({ kind: 'no_applicants', groupId, how }),
        groupId,
        report: true,
      });
  }
}

/** NOT DOCUMENTED: GET /api/v1/applicant_groups/{id} (see the verification client's assumptions.ts). */
async function readGroup(deps: RequestVerificationDeps, groupId: string): Promise<Read> {
  try {
    const group = await deps.platform.getApplicantGroup(groupId);
    return {
      kind: 'read',
      applicants: group.applicants,
      how: group.applicants ? 'the group read does not name them' : 'the group read carries no applicants',
    };
  } catch (error) {
    if (isVerificationPlatformError(error) && !error.retryable)
      return { kind: 'read', applicants: undefined, how: `the group read failed: ${error.message}` };
    return { kind: 'retry', error: error as Error };
  }
}
