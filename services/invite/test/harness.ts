/**
 * invite in-process (no HTTP listener: app.inject) against its own database, the real Kafka (random
 * namespace) and the in-process sandbox's verification platform, with the scenario helpers its tests
 * share.
 */
import { fileURLToPath } from 'node:url';
import {
  ApplicationSubmitted,
  ApplicationSubmittedV2,
  applicantIdFor,
  applicationIdFor,
  type EventOf,
  type PayloadOf,
  type TenantSettings,
  topics,
} from '@autoverify/contracts';
import { buildEvent } from '@autoverify/messaging';
import type { Sandbox } from '@autoverify/sandbox';
import type { RunningService } from '@autoverify/service-kit';
import { type ServiceUnderTest, startServiceUnderTest, type TestEnvelope } from '@autoverify/service-testing';
import { testTenant, testTenantsFile, waitFor } from '@autoverify/testing';
import type { Tx } from '../src/db.ts';
import { inviteService } from '../src/service.ts';

export const TENANT = 'acme-pm';

type Payload = PayloadOf<typeof ApplicationSubmittedV2>;
export type SubmittedApplicant = Payload['applicants'][number];
export type Event = TestEnvelope & { payload: { applicationId: string } };

type PlatformGroup = NonNullable<ReturnType<Sandbox['state']['platform']['groups']['get']>>;

export interface InviteTest extends ServiceUnderTest<RunningService<Tx>> {
  /**
   * Waits until the consumer has taken the event in (inbox row), no platform job of its application is
   * queued or running, and every event the service added is on Kafka: nothing more comes of that event.
   */
  settled(event: { id: string; payload: { applicationId: string } }): Promise<void>;
  /** The application's events on the invites topic. */
  invitesOf(applicationId: string): Promise<Event[]>;
  /** The application's NotificationRequested events. */
  notificationsOf(applicationId: string): Promise<Event[]>;
  /** The applicant groups the sandbox's platform holds for the application. */
  groupsFor(applicationId: string): PlatformGroup[];
}

export async function startInviteTest(options: {
  properties: TenantSettings['properties'];
  /** invite's own variables beyond the platform's (e.g. ADMIN_TOKEN). */
  env?: Record<string, string>;
}): Promise<InviteTest> {
  const h = await startServiceUnderTest(inviteService, {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    tenants: testTenantsFile(
      testTenant(TENANT, {
        name: 'Acme Property Management',
        defaults: {
          sender: {
            brandName: 'Acme PM',
            emailFrom: 'leasing@acme.example.com',
            emailFromName: 'Acme Leasing',
          },
        },
        properties: options.properties,
      }),
    ),
    sandbox: true,
    env: ({ sandbox }) => ({
      PLATFORM_BASE_URL: sandbox.url,
      PLATFORM_CLIENT_ID: sandbox.options.platform.clientId,
      PLATFORM_SECRET_KEY: sandbox.options.platform.secretKey,
      ...options.env,
    }),
    listen: false,
    // As in production: every event on Kafka is sealed with the (test) keyring.
    encryptEvents: true,
    // Short, so a test can make the platform answer too late (a delay fault) without waiting long.
    options: { platformTimeoutMs: 2000 },
  });
  const db = h.service.db.client;
  const settled = async (event: { id: string; payload: { applicationId: string } }) => {
    await waitFor(
      async () => {
        // One statement, so one snapshot: read separately, a run committing between the reads could show
        // its application done but not yet its outbox rows.
        const [state] = await db.$queryRaw<
          { processed: boolean; status: string | null; unpublished: number }[]
        >`
          SELECT EXISTS (SELECT 1 FROM inbox WHERE event_id = ${event.id}::uuid) AS processed,
                 (SELECT request_status FROM applications WHERE id = ${event.payload.applicationId}::uuid) AS status,
                 (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS unpublished`;
        return (
          state?.processed === true &&
          state.status !== null &&
          !['queued', 'running'].includes(state.status) &&
          state.unpublished === 0
        );
      },
      { message: `event ${event.id} processed and its outcome published` },
    );
  };
  const eventsOf = async (topic: { name: string }, applicationId: string) =>
    (await h.events(topic)).filter((e): e is Event => e.payload.applicationId === applicationId);
  return Object.assign(h, {
    settled,
    invitesOf: (applicationId: string) => eventsOf(topics.invites, applicationId),
    notificationsOf: (applicationId: string) => eventsOf(topics.notificationRequests, applicationId),
    groupsFor: (applicationId: string) =>
      [...h.sandbox.state.platform.groups.values()].filter(
        (g) => g.correlationId === applicationId || g.correlationId?.startsWith(`${applicationId}:`),
      ),
  });
}

export const ofType = <T extends { type: string }>(events: T[], type: string) =>
  events.filter((e) => e.type === type);

export function applicant(
  entrataApplicationId: string,
  customerId: string,
  contact: Partial<SubmittedApplicant>,
): SubmittedApplicant {
  return {
    applicantId: applicantIdFor(TENANT, entrataApplicationId, customerId),
    entrataCustomerId: customerId,
    role: customerId === '1' ? 'primary' : 'co-applicant',
    firstName: `First${customerId}`,
    lastName: `Last${customerId}`,
    contactIssues: [],
    ...contact,
  };
}

/** The monthly rent the submissions carry unless a test says otherwise. */
export const RENT_CENTS = 150_000;

/**
 * An ApplicationSubmitted v2 as ingest publishes it (a new event id each call), with the rent from the
 * property setting; `rentCents: null` leaves the rent out (unknown).
 */
export function submission(
  entrataApplicationId: string,
  propertyId: string,
  applicants: SubmittedApplicant[],
  options: { rentCents?: number | null } = {},
): EventOf<typeof ApplicationSubmittedV2> {
  const applicationId = applicationIdFor(TENANT, entrataApplicationId);
  const rentCents = options.rentCents === undefined ? RENT_CENTS : options.rentCents;
  return buildEvent(
    ApplicationSubmittedV2,
    {
      ...basePayload(applicationId, entrataApplicationId, propertyId, applicants),
      ...(rentCents === null ? {} : { monthlyRentCents: rentCents, rentSource: 'property_setting' as const }),
    },
    { tenantId: TENANT, correlationId: applicationId },
  );
}

/** A v1 ApplicationSubmitted, as published before the rent was read: it says nothing about the rent. */
export function submissionV1(
  entrataApplicationId: string,
  propertyId: string,
  applicants: SubmittedApplicant[],
): EventOf<typeof ApplicationSubmitted> {
  const applicationId = applicationIdFor(TENANT, entrataApplicationId);
  return buildEvent(
    ApplicationSubmitted,
    basePayload(applicationId, entrataApplicationId, propertyId, applicants),
    {
      tenantId: TENANT,
      correlationId: applicationId,
    },
  );
}

function basePayload(
  applicationId: string,
  entrataApplicationId: string,
  propertyId: string,
  applicants: SubmittedApplicant[],
) {
  return {
    applicationId,
    entrataApplicationId,
    propertyId,
    submittedAt: new Date().toISOString(),
    source: 'webhook' as const,
    applicants,
    excluded: [],
  };
}
