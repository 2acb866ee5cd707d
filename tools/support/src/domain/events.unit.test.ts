import {
  ApplicationReadFailed,
  ApplicationSubmittedV2,
  allEvents,
  InviteBlocked,
  InviteBlockedV2,
  NotificationFailed,
  NotificationRequested,
  PlatformWebhookUnmapped,
  ReportCompleted,
  ReportSyncFailed,
} from '@autoverify/contracts';
import { describe, expect, it } from 'vitest';
import { factsOf, outcomeOf, producerOf, summaryOf, traceIdOf } from './events.ts';

describe('timeline facts', () => {
  it('marks the failure events as failed and everything else ok', () => {
    const failed = allEvents()
      .filter((d) => outcomeOf(d.type) === 'failed')
      .map((d) => d.type);
    expect([...new Set(failed)].sort()).toEqual(
      [
        ApplicationReadFailed.type,
        InviteBlocked.type,
        NotificationFailed.type,
        ReportSyncFailed.type,
        PlatformWebhookUnmapped.type,
      ].sort(),
    );
  });

  it('names the producing service from the topic registry; a notification request by its purpose', () => {
    expect(producerOf('ApplicationSubmitted', {})).toBe('ingest');
    expect(producerOf('InviteSent', {})).toBe('invite');
    expect(producerOf('ReportSynced', {})).toBe('report-sync');
    expect(producerOf('NotificationSent', {})).toBe('notify');
    expect(producerOf(NotificationRequested.type, { purpose: 'invite' })).toBe('invite');
    expect(producerOf(NotificationRequested.type, { purpose: 'reminder' })).toBe('reminder');
    expect(producerOf(NotificationRequested.type, {})).toBe('invite|reminder');
    expect(producerOf('NoSuchEvent', {})).toBe('unknown');
  });

  it('takes the trace id out of a traceparent', () => {
    expect(traceIdOf('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traceIdOf('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(traceIdOf('garbage')).toBeNull();
    expect(traceIdOf(undefined)).toBeNull();
  });

  it('summarises with non-personal fields only', () => {
    expect(summaryOf(NotificationFailed.example)).toBe(
      'purpose=invite kind=income channel=sms reason=opted_out permanent=true',
    );
    const summary = summaryOf({ ...NotificationRequested.example });
    expect(summary).not.toMatch(/ada|Lovelace/i);
  });

  it('shows why an application could not be read and what to do about it', () => {
    expect(
      factsOf({ type: ApplicationReadFailed.type, payload: ApplicationReadFailed.example }),
    ).toMatchObject({
      service: 'ingest',
      outcome: 'failed',
      entrataApplicationId: '14423',
      summary: expect.stringMatching(
        /^reasonCode=application_not_found source=webhook attempts=1 detail=getLeads found no application 14423 .* action=Check the application id .*$/,
      ),
    });
  });

  it('collects the Entrata application id when the payload has one', () => {
    expect(
      factsOf({ type: ReportCompleted.type, payload: ReportCompleted.example }).entrataApplicationId,
    ).toBe('14423');
    expect(factsOf({ type: InviteBlocked.type, payload: InviteBlocked.example })).toMatchObject({
      entrataApplicationId: null,
      service: 'invite',
      outcome: 'failed',
      traceId: null,
    });
  });

  it('shows the new InviteBlocked reasons with what to do, and an unmappable platform webhook, readably', () => {
    const blocked = factsOf({ type: InviteBlockedV2.type, payload: InviteBlockedV2.example });
    expect(blocked.outcome).toBe('failed');
    expect(blocked.summary).toMatch(
      /^reason=rent_unknown detail="no monthly rent is known for property 100200: set the rent/,
    );
    expect(
      summaryOf(
        { ...InviteBlockedV2.example, reason: 'platform_rejected', detail: 'ada@example.com does not exist' },
        InviteBlockedV2.type,
      ),
    ).not.toContain('ada@example.com');
    const unmapped = factsOf({
      type: PlatformWebhookUnmapped.type,
      payload: PlatformWebhookUnmapped.example,
    });
    expect(unmapped).toMatchObject({ service: 'ingest', outcome: 'failed' });
    expect(unmapped.summary).toBe(
      'code=REPORT_READY reportType=identity reason=identity report for applicant apl_9, who is not in applicant group grp_123 attempts=13 reportId=rep_9',
    );
    expect(summaryOf(ApplicationSubmittedV2.example)).toBe(
      'source=webhook monthlyRentCents=185000 rentSource=property_setting',
    );
  });
});
