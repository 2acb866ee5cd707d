import type { PlatformApplicant } from '@autoverify/verification-client';
import { idsUnavailableDetail, rentUnknownDetail } from '../domain/blocks.ts';
import { normaliseEmail } from '../domain/contact.ts';
import { kindsFor } from '../domain/invites.ts';
import { rejectedApplicantIndex } from '../domain/platform-mapping.ts';
import type { Applicant } from '../generated/prisma/client.ts';
import { isApplicantRejection, notOffered, rejectionDetail } from './platform-errors.ts';
import { mapGroupApplicants, type SyncContext } from './platform-ids.ts';
import { groupRequest, toNewApplicant } from './platform-request.ts';
import { emptyRunState, type RequestVerificationDeps, type RunState } from './run-state.ts';

/**
 * Brings the platform in line with our applicants: creates the group (or finds it again by the documented
 * correlation-id lookup), adds newcomers, reads a group back for the applicant and verification ids the
 * documented create answer does not carry, and updates changed contacts. Nothing is written here; the run's
 * outcome is recorded in one transaction afterwards (record-run.ts).
 */
export function platformSync(deps: RequestVerificationDeps) {
  const now = deps.now ?? (() => new Date());
  const logger = deps.logger.child({ job: 'create-verification-request' });

  return async function talkToPlatform(applicationId: string, finalAttempt: boolean): Promise<RunState> {
    const application = await deps.prisma.application.findUniqueOrThrow({
      where: { id: applicationId },
      include: { applicants: { orderBy: { createdAt: 'asc' } } },
    });
    const settings = deps.tenants.property(application.tenantId, application.propertyId);
    const kinds = kindsFor(settings);
    const state = emptyRunState();
    const ctx = { application, settings, kinds, state, finalAttempt };
    const waiting = application.applicants.filter((a) => a.status === 'pending' && !a.platformGroupId);

    if (!application.applicantGroupId) {
      if (waiting.length > 0) await createGroup(ctx, waiting);
    } else {
      for (const applicant of waiting) await addNewcomer(ctx, applicant);
    }
    // Applicants in a group whose ids the platform did not give: read the group again.
    const unread = application.applicants.filter((a) => a.status === 'ids_unavailable' && a.platformGroupId);
    for (const groupId of new Set(unread.map((a) => a.platformGroupId as string))) {
      const ours = unread.filter((a) => a.platformGroupId === groupId);
      await mapApplicants(ctx, groupId, ours, undefined, 'not read yet');
      state.groups.add(groupId);
    }
    await updateContacts(ctx);
    return state;
  };

  type Ctx = SyncContext;
  function mapApplicants(
    ctx: Ctx,
    groupId: string,
    ours: Applicant[],
    given: PlatformApplicant[] | undefined,
    how: string,
  ): Promise<void> {
    return mapGroupApplicants(deps, ctx, groupId, ours, given, how);
  }

  function holdForRent(ctx: Ctx, applicants: Applicant[]): void {
    for (const applicant of applicants)
      ctx.state.held.push({
        applicant,
        reason: 'rent_unknown',
        detail: rentUnknownDetail(ctx.application.propertyId),
        report: true,
      });
  }

  async function createGroup(ctx: Ctx, applicants: Applicant[]): Promise<void> {
    const { application, state } = ctx;
    const rent = application.monthlyRentCents;
    if (rent === null) return holdForRent(ctx, applicants);
    let group = await findExisting(ctx, application.id, applicants);
    if (group === null) return;
    let sent = applicants;
    while (!group && sent.length > 0) {
      try {
        await markCreateAttempt(application.id, application.id);
        group = await deps.platform.createApplicantGroup(request(ctx, application.id, rent, sent));
      } catch (error) {
        if (!isApplicantRejection(error)) throw error;
        // The platform refused the request, so nothing was created: take out the applicants it named and
        // try again with the others; if it named none, every applicant in it is reported.
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
    await mapApplicants(
      ctx,
      group.id,
      sent,
      group.applicants,
      'the create answer carries none, as documented',
    );
  }

  async function addNewcomer(ctx: Ctx, applicant: Applicant): Promise<void> {
    const { application, kinds, state } = ctx;
    const groupId = application.applicantGroupId as string;
    try {
      let added: PlatformApplicant | undefined;
      try {
        added = await deps.platform.addApplicant(groupId, toNewApplicant(applicant, kinds));
      } catch (error) {
        // NOT DOCUMENTED call: a platform without it gets a group of its own for the newcomer; its reports
        // then arrive under that group id (VerificationRequested carries it).
        if (!notOffered(error)) throw error;
      }
      if (added) {
        state.groups.add(groupId);
        return await mapApplicants(ctx, groupId, [applicant], [added], 'the add answer did not name them');
      }
      const rent = application.monthlyRentCents;
      if (rent === null) return holdForRent(ctx, [applicant]);
      const correlationId = `${application.id}:${applicant.id}`;
      let group = await findExisting(ctx, correlationId, [applicant]);
      if (group === null) return;
      if (!group) {
        await markCreateAttempt(correlationId, application.id);
        group = await deps.platform.createApplicantGroup(request(ctx, correlationId, rent, [applicant]));
      }
      state.groups.add(group.id);
      await mapApplicants(
        ctx,
        group.id,
        [applicant],
        group.applicants,
        'the create answer carries none, as documented',
      );
    } catch (error) {
      if (isApplicantRejection(error)) state.rejected.push({ applicant, detail: rejectionDetail(error, 0) });
      else state.retryable ??= error as Error;
    }
  }

  /**
   * The group an earlier run created and could not record (a crash, a time-out), found by the documented
   * correlation-id lookup. Undefined: none, creating is safe. Null: the lookup is not offered and a create
   * was sent before, so creating again could make a second group; the applicants are held instead.
   */
  async function findExisting(ctx: Ctx, correlationId: string, applicants: Applicant[]) {
    try {
      const found = await deps.platform.findApplicantGroupByCorrelationId(correlationId);
      if (found)
        logger.warn(
          { applicationId: ctx.application.id, applicantGroupId: found.id },
          'found an unrecorded applicant group; adopting it',
        );
      return found;
    } catch (error) {
      if (!notOffered(error)) throw error;
      const attempt = await deps.prisma.platformCreate.findUnique({ where: { correlationId } });
      if (!attempt) return undefined;
      const detail = idsUnavailableDetail({
        kind: 'ambiguous_create',
        correlationId,
        attemptedAt: attempt.attemptedAt,
      });
      for (const applicant of applicants)
        ctx.state.held.push({ applicant, reason: 'platform_ids_unavailable', detail, report: true });
      return null;
    }
  }

  /** Committed before the create is sent, so a later run knows a group may exist. */
  async function markCreateAttempt(correlationId: string, applicationId: string): Promise<void> {
    await deps.prisma.platformCreate.upsert({
      where: { correlationId },
      create: { correlationId, applicationId, attemptedAt: now() },
      update: { attemptedAt: now() },
    });
  }

  async function updateContacts(ctx: Ctx): Promise<void> {
    for (const applicant of ctx.application.applicants) {
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
        await deps.platform.updateApplicant(applicant.platformGroupId, applicant.platformApplicantId, {
          ...(email ? { email } : {}),
          ...(phone ? { phone_number: phone } : {}),
        });
        ctx.state.contactUpdates.push({
          applicant,
          email: email ?? applicant.platformEmail,
          phone: phone ?? applicant.platformPhone,
        });
      } catch (error) {
        if (isApplicantRejection(error) || notOffered(error)) {
          // The old contact keeps its invite; the new one is not used until the platform accepts it.
          ctx.state.rejected.push({
            applicant,
            detail: `the platform refused the new contact details: ${(error as Error).message}`,
          });
        } else ctx.state.retryable ??= error as Error;
      }
    }
  }

  function request(ctx: Ctx, correlationId: string, monthlyRentCents: number, applicants: Applicant[]) {
    return groupRequest({
      correlationId,
      propertyId: ctx.application.propertyId,
      property: ctx.settings,
      monthlyRentCents,
      applicants: applicants.map((a) => toNewApplicant(a, ctx.kinds)),
      webhookUrl: deps.webhookUrl,
    });
  }
}

function sameEmail(a: string, b: string | null): boolean {
  return b !== null && normaliseEmail(a) === normaliseEmail(b);
}
