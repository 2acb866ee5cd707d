import type { PlatformApplicant } from '@autoverify/verification-client';
import { idsUnavailableDetail, rentUnknownDetail } from '../domain/blocks.ts';
import { sameEmail } from '../domain/contact.ts';
import { kindsFor } from '../domain/invites.ts';
import { isApplicantRejection, notOffered, rejectionDetail } from '../domain/platform-errors.ts';
import { rejectedApplicantIndex } from '../domain/platform-mapping.ts';
import { groupRequest, toNewApplicant } from '../domain/platform-request.ts';
import type { InviteContext } from '../service.ts';
import {
  type Applicant,
  findApplicationWithApplicants,
  findPlatformCreate,
  recordCreateAttempt,
} from '../store/applications.ts';
import { mapGroupApplicants } from './platform-ids.ts';
import { emptyRunState, type PlatformRun, type RunState } from './run-state.ts';

/** How the documented create answer stands: it carries no applicant ids, so they are read back. */
const CREATE_ANSWER = 'the create answer carries none, as documented';

/**
 * Brings the platform in line with our applicants, in four steps: create the group (or find it again by
 * the documented correlation-id lookup) or add newcomers to it; read back groups whose ids we lack; update
 * changed contacts. Nothing is written here except the create attempts (committed before each create is
 * sent); the run's outcome is recorded in one transaction afterwards (record-run.ts).
 */
export async function syncWithPlatform(
  ctx: InviteContext,
  applicationId: string,
  finalAttempt: boolean,
): Promise<RunState> {
  const application = await findApplicationWithApplicants(ctx.db.sql, applicationId);
  if (!application) throw new Error(`application ${applicationId} disappeared during its platform run`);
  const settings = ctx.tenants.property(application.tenantId, application.propertyId);
  const run: PlatformRun = {
    application,
    settings,
    kinds: kindsFor(settings),
    state: emptyRunState(),
    finalAttempt,
  };
  const waiting = application.applicants.filter((a) => a.status === 'pending' && !a.platformGroupId);

  if (!application.applicantGroupId) {
    if (waiting.length > 0) await createGroup(ctx, run, waiting);
  } else {
    for (const applicant of waiting) await addNewcomer(ctx, run, applicant);
  }
  await readUnmappedGroups(ctx, run);
  await updateContacts(ctx, run);
  return run.state;
}

/**
 * The application's group, with every waiting applicant. The platform refuses a request as a whole
 * (nothing is created): the applicants it named are taken out and the request is sent again for the others;
 * if it named none, every applicant in it is reported.
 */
async function createGroup(ctx: InviteContext, run: PlatformRun, applicants: Applicant[]): Promise<void> {
  const { application, state } = run;
  const rent = application.monthlyRentCents;
  if (rent === null) return holdForRent(run, applicants);
  let group = await findExisting(ctx, run, application.id, applicants);
  if (group === null) return;
  let sent = applicants;
  while (!group && sent.length > 0) {
    try {
      await markCreateAttempt(ctx, application.id, application.id);
      group = await ctx.platform.createApplicantGroup(request(ctx, run, application.id, rent, sent));
    } catch (error) {
      if (!isApplicantRejection(error)) throw error;
      const named = new Set(
        error.problems.map((p) => rejectedApplicantIndex(p.field)).filter((i) => i !== undefined),
      );
      const refused = named.size > 0 ? sent.filter((_, i) => named.has(i)) : sent;
      for (const applicant of refused)
        state.rejected.push({ applicant, detail: rejectionDetail(error, sent.indexOf(applicant)) });
      sent = sent.filter((a) => !refused.includes(a));
    }
  }
  if (!group) return;
  state.primaryGroupId = group.id;
  state.groups.add(group.id);
  await mapGroupApplicants(ctx, run, group.id, sent, group.applicants, CREATE_ANSWER);
}

/** An applicant who joined after the group was created: added to it, or given a group of their own. */
async function addNewcomer(ctx: InviteContext, run: PlatformRun, applicant: Applicant): Promise<void> {
  const { application, kinds, state } = run;
  const groupId = application.applicantGroupId as string;
  try {
    let added: PlatformApplicant | undefined;
    try {
      added = await ctx.platform.addApplicant(groupId, toNewApplicant(applicant, kinds));
    } catch (error) {
      // NOT DOCUMENTED call: a platform without it gets a group of its own for the newcomer; its reports
      // then arrive under that group id (VerificationRequested carries it).
      if (!notOffered(error)) throw error;
    }
    if (added) {
      state.groups.add(groupId);
      return await mapGroupApplicants(
        ctx,
        run,
        groupId,
        [applicant],
        [added],
        'the add answer did not name them',
      );
    }
    const rent = application.monthlyRentCents;
    if (rent === null) return holdForRent(run, [applicant]);
    const correlationId = `${application.id}:${applicant.id}`;
    let group = await findExisting(ctx, run, correlationId, [applicant]);
    if (group === null) return;
    if (!group) {
      await markCreateAttempt(ctx, correlationId, application.id);
      group = await ctx.platform.createApplicantGroup(request(ctx, run, correlationId, rent, [applicant]));
    }
    state.groups.add(group.id);
    await mapGroupApplicants(ctx, run, group.id, [applicant], group.applicants, CREATE_ANSWER);
  } catch (error) {
    if (isApplicantRejection(error)) state.rejected.push({ applicant, detail: rejectionDetail(error, 0) });
    else state.retryable ??= error as Error;
  }
}

/** Applicants in a group whose ids the platform did not give: the group is read again. */
async function readUnmappedGroups(ctx: InviteContext, run: PlatformRun): Promise<void> {
  const unread = run.application.applicants.filter(
    (a) => a.status === 'ids_unavailable' && a.platformGroupId,
  );
  for (const groupId of new Set(unread.map((a) => a.platformGroupId as string))) {
    const ours = unread.filter((a) => a.platformGroupId === groupId);
    await mapGroupApplicants(ctx, run, groupId, ours, undefined, 'not read yet');
    run.state.groups.add(groupId);
  }
}

function holdForRent(run: PlatformRun, applicants: Applicant[]): void {
  for (const applicant of applicants)
    run.state.held.push({
      applicant,
      reason: 'rent_unknown',
      detail: rentUnknownDetail(run.application.propertyId),
      report: true,
    });
}

/**
 * The group an earlier run created and could not record (a crash, a time-out), found by the documented
 * correlation-id lookup. Undefined: none, creating is safe. Null: the lookup is not offered and a create
 * was sent before, so creating again could make a second group; the applicants are held instead.
 */
async function findExisting(
  ctx: InviteContext,
  run: PlatformRun,
  correlationId: string,
  applicants: Applicant[],
) {
  try {
    const found = await ctx.platform.findApplicantGroupByCorrelationId(correlationId);
    if (found)
      ctx.logger.warn(
        { applicationId: run.application.id, applicantGroupId: found.id },
        'found an unrecorded applicant group; adopting it',
      );
    return found;
  } catch (error) {
    if (!notOffered(error)) throw error;
    const attempt = await findPlatformCreate(ctx.db.sql, correlationId);
    if (!attempt) return undefined;
    const detail = idsUnavailableDetail({
      kind: 'ambiguous_create',
      correlationId,
      attemptedAt: attempt.attemptedAt,
    });
    for (const applicant of applicants)
      run.state.held.push({ applicant, reason: 'platform_ids_unavailable', detail, report: true });
    return null;
  }
}

/** Committed before the create is sent, so a later run knows a group may exist. */
function markCreateAttempt(ctx: InviteContext, correlationId: string, applicationId: string) {
  return recordCreateAttempt(ctx.db.sql, correlationId, applicationId, ctx.clock.now());
}

/** Contacts changed since the platform got them: updated there; the new one is invited once it is accepted. */
async function updateContacts(ctx: InviteContext, run: PlatformRun): Promise<void> {
  for (const applicant of run.application.applicants) {
    if (applicant.status !== 'requested' || !applicant.platformApplicantId || !applicant.platformGroupId)
      continue;
    const email =
      applicant.email && !sameEmail(applicant.email, applicant.platformEmail) ? applicant.email : undefined;
    const phone =
      applicant.mobilePhone && applicant.mobilePhone !== applicant.platformPhone
        ? applicant.mobilePhone
        : undefined;
    if (!email && !phone) continue;
    try {
      await ctx.platform.updateApplicant(applicant.platformGroupId, applicant.platformApplicantId, {
        ...(email ? { email } : {}),
        ...(phone ? { phone_number: phone } : {}),
      });
      run.state.contactUpdates.push({
        applicant,
        email: email ?? applicant.platformEmail,
        phone: phone ?? applicant.platformPhone,
      });
    } catch (error) {
      if (isApplicantRejection(error) || notOffered(error)) {
        // The old contact keeps its invite; the new one is not used until the platform accepts it.
        run.state.rejected.push({
          applicant,
          detail: `the platform refused the new contact details: ${(error as Error).message}`,
        });
      } else run.state.retryable ??= error as Error;
    }
  }
}

function request(
  ctx: InviteContext,
  run: PlatformRun,
  correlationId: string,
  monthlyRentCents: number,
  applicants: Applicant[],
) {
  return groupRequest({
    correlationId,
    propertyId: run.application.propertyId,
    property: run.settings,
    monthlyRentCents,
    applicants: applicants.map((a) => toNewApplicant(a, run.kinds)),
    webhookUrl: ctx.webhookUrl,
  });
}
