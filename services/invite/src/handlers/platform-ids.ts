import { isVerificationPlatformError, type PlatformApplicant } from '@autoverify/verification-client';
import { idsUnavailableDetail } from '../domain/blocks.ts';
import { matchPlatformApplicants, verificationRefs } from '../domain/platform-mapping.ts';
import type { InviteContext } from '../service.ts';
import type { Applicant } from '../store/applications.ts';
import type { PlatformRun } from './run-state.ts';

type Read =
  | { kind: 'read'; applicants: PlatformApplicant[] | undefined; how: string }
  | { kind: 'retry'; error: Error };

/**
 * Pairs our applicants with the platform's (NOT DOCUMENTED ids): from the answer at hand, else from a read of
 * the group. Whoever cannot be paired is held as platform_ids_unavailable in that group: recorded and
 * reported, never guessed; a read that failed transiently is retried by the job first.
 */
export async function mapGroupApplicants(
  ctx: InviteContext,
  run: PlatformRun,
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
    const read = await readGroup(ctx, groupId);
    if (read.kind === 'retry' && !run.finalAttempt) {
      run.state.retryable ??= read.error;
      for (const applicant of ours.filter((a) => !matches.has(a.id)))
        run.state.held.push({
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
      run.state.recorded.push({
        applicant,
        groupId,
        platformApplicantId: theirs.id,
        // What we sent is what the platform has; its echo may omit or reformat the contact.
        email: applicant.email,
        phone: applicant.mobilePhone,
        verifications: verificationRefs(theirs),
      });
    else if (!run.state.held.some((h) => h.applicant.id === applicant.id))
      run.state.held.push({
        applicant,
        reason: 'platform_ids_unavailable',
        detail: idsUnavailableDetail({ kind: 'no_applicants', groupId, how }),
        groupId,
        report: true,
      });
  }
}

/** NOT DOCUMENTED: GET /api/v1/applicant_groups/{id} (see the verification client's assumptions.ts). */
async function readGroup(ctx: InviteContext, groupId: string): Promise<Read> {
  try {
    const group = await ctx.platform.getApplicantGroup(groupId);
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
