import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  ApplicantErased,
  ApplicationSubmitted,
  applicationIdFor,
  InviteSent,
  NotificationFailed,
  topicOfEvent,
  topics,
} from '@autoverify/contracts';
import { createLogger } from '@autoverify/logger';
import { buildEvent } from '@autoverify/messaging';
import { retentionJob } from '@autoverify/service-kit';
import { messageJson, waitFor } from '@autoverify/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAdmin } from '../src/console/reruns.ts';
import {
  adminTokens,
  type Forwarded,
  type SupportUnderTest,
  startSupportUnderTest,
  TENANT,
  tokens,
} from './support-under-test.ts';

const {
  reportSync: REPORT_SYNC_TOKEN,
  invite: INVITE_TOKEN,
  notify: NOTIFY_TOKEN,
  own: OWN_ADMIN_TOKEN,
} = adminTokens;
const traceId = (n: number) => `${String(n).padStart(2, '0')}${'a'.repeat(30)}`;

describe('support console (real Kafka + PostgreSQL)', () => {
  let h: SupportUnderTest['h'];
  let pool: pg.Pool;
  let forwarded: Forwarded[];
  let effects: SupportUnderTest['effects'];
  let fixPoison: () => void;
  const logLines: string[] = [];
  // What the stand-in answers for GET /admin/outbox/failed (a service's set-aside rows).
  const failedRows = {
    failed: [
      {
        id: '17',
        failedAt: '2026-11-24T10:00:00.000Z',
        eventType: 'InviteSent',
        eventId: randomUUID(),
        topic: 'verifications',
        key: 'app-1',
        attempts: 3,
        held: 2,
        error: 'KafkaJSProtocolError: The request included a message larger than the max message size',
      },
    ],
  };

  const http = (method: 'GET' | 'POST', url: string, token?: string, payload?: unknown) =>
    h.service.app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    ({ h, pool, forwarded, effects, fixPoison } = await startSupportUnderTest({
      getAnswer: failedRows,
      logger: createLogger({ service: 'support', level: 'debug', destination }),
      env: { LOG_LEVEL: 'debug' },
    }));
  });

  afterAll(async () => {
    await h?.stop();
  });

  /** An application's journey: submitted, invited, one notification failed; published out of order. */
  async function journey(entrataApplicationId = String(Math.floor(Math.random() * 1e9))) {
    const applicationId = applicationIdFor(TENANT, entrataApplicationId);
    const meta = { tenantId: TENANT, correlationId: applicationId };
    const at = (minute: number) => ({ now: new Date(Date.UTC(2020, 0, 15, 10, minute)) });
    const submitted = {
      ...buildEvent(
        ApplicationSubmitted,
        { ...ApplicationSubmitted.example, applicationId, entrataApplicationId },
        meta,
        at(0),
      ),
      traceparent: `00-${traceId(1)}-00f067aa0ba902b7-01`,
    };
    const invited = {
      ...buildEvent(InviteSent, { ...InviteSent.example, applicationId }, meta, at(1)),
      traceparent: `00-${traceId(2)}-00f067aa0ba902b7-01`,
    };
    const failed = buildEvent(
      NotificationFailed,
      { ...NotificationFailed.example, applicationId },
      meta,
      at(2),
    );
    await h.publishEnvelope(failed);
    await h.publishEnvelope(invited);
    await h.publishEnvelope(submitted);
    return { applicationId, entrataApplicationId, submitted, invited, failed };
  }

  /** A new ApplicationSubmitted with the application's key: processed after everything before it. */
  async function sameKeyMarker(j: { applicationId: string }) {
    const e = buildEvent(
      ApplicationSubmitted,
      { ...ApplicationSubmitted.example, applicationId: j.applicationId, entrataApplicationId: 'marker' },
      { tenantId: TENANT, correlationId: j.applicationId },
    );
    await h.publishEnvelope(e);
    return e;
  }

  const timeline = async (id: string, token = tokens.admin, query = '') => {
    const response = await http(
      'GET',
      `/admin/applications/${encodeURIComponent(id)}/timeline${query}`,
      token,
    );
    return { status: response.statusCode, body: response.json() };
  };

  it('shows every event of an application in order, with service, outcome and trace id, masked', async () => {
    const j = await journey();
    const body = await waitFor(
      async () => {
        const t = await timeline(`entrata:${TENANT}:${j.entrataApplicationId}`);
        return t.body.events?.length === 3 ? t.body : null;
      },
      { message: 'three timeline events' },
    );
    expect(body.applicationId).toBe(j.applicationId);
    expect(body.masked).toBe(true);
    expect(
      body.events.map((e: Record<string, unknown>) => [e.type, e.service, e.outcome, e.traceId, e.eventId]),
    ).toEqual([
      ['ApplicationSubmitted', 'ingest', 'ok', traceId(1), j.submitted.id],
      ['InviteSent', 'invite', 'ok', traceId(2), j.invited.id],
      ['NotificationFailed', 'notify', 'failed', null, j.failed.id],
    ]);
    expect(body.events[0].payload.applicants[0]).toMatchObject({ firstName: 'A***', email: 'a***@e***.com' });
    expect(body.events[1].payload.link).toBe('https://verify.example.com/***');
    expect(body.events[0].entrataApplicationId).toBe(j.entrataApplicationId);
    // Our id finds the same timeline.
    expect((await timeline(j.applicationId)).body.events).toHaveLength(3);
  });

  it('a redelivered event changes nothing in the timeline, even once its inbox row is gone', async () => {
    const j = await journey();
    const before = await waitFor(
      async () => {
        const t = await timeline(j.applicationId);
        return t.body.events?.length === 3 ? t.body.events : null;
      },
      { message: 'three timeline events' },
    );
    // Past the inbox (as after a restored backup): the projection's own insert must ignore the copy.
    await h.service.db
      .sql`DELETE FROM inbox WHERE consumer = 'support' AND event_id = ${j.submitted.id}::uuid`;
    await h.publishEnvelope({ ...j.submitted, payload: { ...j.submitted.payload, propertyId: 'changed' } });
    const marker = await sameKeyMarker(j);
    const after = await waitFor(
      async () => {
        const t = await timeline(j.applicationId);
        return t.body.events?.length === 4 ? t.body.events : null;
      },
      { message: 'the marker after the copy' },
    );
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3].eventId).toBe(marker.id);
    const [row] = await h.service.db.sql<{ n: number }>`
      SELECT count(*)::int AS n FROM inbox WHERE consumer = 'support' AND event_id = ${j.submitted.id}::uuid`;
    expect(row?.n).toBe(1);
  });

  it('refuses callers without a valid token (401) or the scope (403), as problems', async () => {
    const id = randomUUID();
    const none = await http('GET', `/admin/applications/${id}/timeline`);
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    expect((await http('GET', `/admin/applications/${id}/timeline`, 'wrong-token')).statusCode).toBe(401);
    const replay = await http('POST', '/admin/replays', tokens.reader, {
      scope: { applicationId: id },
      dryRun: true,
      reason: 'trying',
    });
    expect(replay.statusCode).toBe(403);
    expect(replay.json()).toMatchObject({ status: 403, requiredScope: 'replay' });
    expect((await http('GET', '/admin/dead-letters?consumer=invite', tokens.reader)).statusCode).toBe(403);
    const bad = await http('GET', '/admin/applications/14423/timeline', tokens.reader);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/neither our application id/);
  });

  it('unmasks only with pii:read, and audits it', async () => {
    const j = await journey();
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 3);
    const denied = await timeline(j.applicationId, tokens.reader, '?unmask=true');
    expect(denied.status).toBe(403);
    expect(denied.body.requiredScope).toBe('pii:read');
    const noReason = await timeline(j.applicationId, tokens.admin, '?unmask=true');
    expect(noReason.status).toBe(400);
    expect(noReason.body.detail).toMatch(/Unmasking needs a reason, which is recorded/);
    const open = await timeline(j.applicationId, tokens.admin, '?unmask=true&reason=INC-9%20dispute');
    expect(open.body.masked).toBe(false);
    expect(open.body.events[0].payload.applicants[0].email).toBe('ada@example.com');
    const audit = (await http('GET', '/admin/audit?limit=50', tokens.admin)).json();
    expect(audit.entries).toContainEqual(
      expect.objectContaining({
        actor: 'alice',
        action: 'timeline.unmask',
        target: `application:${j.applicationId}`,
        reason: 'INC-9 dispute',
      }),
    );
    const unmasks = (await http('GET', '/admin/audit?action=timeline.unmask', tokens.admin)).json().entries;
    expect(unmasks.every((e: { action: string }) => e.action === 'timeline.unmask')).toBe(true);
    expect(unmasks).toHaveLength(1);
  });

  it('a dry run sends nothing and is recorded; a replay re-sends the same event ids and has no second effect', async () => {
    const j = await journey();
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 3);
    await waitFor(async () => (await effects(j.submitted.id)) === 1, {
      message: 'first effect',
    });
    const applicationsTopic = h.kafka.topicName(topics.applications);
    const ofApp = async () =>
      (await h.kafka.readTopic(applicationsTopic)).filter((m) => m.key === j.applicationId);
    expect(await ofApp()).toHaveLength(1);

    const dry = await http('POST', '/admin/replays', tokens.admin, {
      scope: { applicationId: `entrata:${TENANT}:${j.entrataApplicationId}` },
      dryRun: true,
      reason: 'INC-7 check',
    });
    expect(dry.statusCode).toBe(201);
    expect(dry.json()).toMatchObject({ dryRun: true, eventCount: 3, requestedBy: 'alice', target: null });
    expect(dry.json().events.map((e: { eventId: string }) => e.eventId)).toEqual([
      j.submitted.id,
      j.invited.id,
      j.failed.id,
    ]);
    expect(await ofApp()).toHaveLength(1);
    // Each consumer's inbox, asked: invite processed the submission, support's timeline all three; a
    // service support cannot ask (no admin token here) is unknown, and the dry run still answers.
    const skipsOf = (body: { skips: { consumer: string }[] }, consumer: string) =>
      body.skips.find((s) => s.consumer === consumer);
    expect(skipsOf(dry.json(), 'invite')).toEqual({ consumer: 'invite', willSkip: 1, willProcess: [] });
    expect(skipsOf(dry.json(), 'support')).toEqual({ consumer: 'support', willSkip: 3, willProcess: [] });
    expect(skipsOf(dry.json(), 'reminder')).toMatchObject({
      willSkip: 0,
      error: expect.stringContaining('admin token is not configured'),
    });

    // The consumer "lost" its work (e.g. a restored backup): inbox and effect gone.
    await pool.query('DELETE FROM effects WHERE event_id = $1', [j.submitted.id]);
    await pool.query('DELETE FROM inbox WHERE event_id = $1', [j.submitted.id]);
    const dryInvite = await http('POST', '/admin/replays', tokens.admin, {
      scope: { applicationId: j.applicationId },
      target: 'invite',
      dryRun: true,
      reason: 'INC-7 check invite',
    });
    expect(dryInvite.json().skips).toEqual([
      { consumer: 'invite', willSkip: 0, willProcess: [j.submitted.id] },
    ]);

    // Aimed at another consumer: the stand-in ignores it.
    const elsewhere = await http('POST', '/admin/replays', tokens.admin, {
      scope: { applicationId: j.applicationId },
      target: 'reminder',
      dryRun: false,
      reason: 'INC-7 reminder',
    });
    expect(elsewhere.statusCode).toBe(201);
    await waitFor(async () => (await ofApp()).length === 2, { message: 'the targeted replay on the topic' });
    // A later message on the same partition: once it is processed, the replay was seen (and skipped).
    const firstMarker = await sameKeyMarker(j);
    await waitFor(async () => (await effects(firstMarker.id)) === 1, {
      message: 'marker 1',
    });
    expect(await effects(j.submitted.id)).toBe(0);
    const replayed = (await ofApp())[1];
    expect(replayed?.headers['x-replay-target']).toBe('reminder');
    expect(replayed?.headers['event-id']).toBe(j.submitted.id);
    expect(messageJson(replayed?.value ?? null)).toMatchObject({
      id: j.submitted.id,
      replay: { requestedBy: 'alice', replayId: elsewhere.json().id },
    });

    // Aimed at it: repaired, once.
    const repair = await http('POST', '/admin/replays', tokens.admin, {
      scope: { applicationId: j.applicationId },
      target: 'invite',
      dryRun: false,
      reason: 'INC-7 repair',
    });
    expect(repair.statusCode).toBe(201);
    await waitFor(async () => (await effects(j.submitted.id)) === 1, {
      message: 'the repair',
    });
    expect(await effects(j.submitted.id)).toBe(1);

    // To every consumer again: the inbox recognises the event id, no second effect.
    await http('POST', '/admin/replays', tokens.admin, {
      scope: { applicationId: j.applicationId },
      dryRun: false,
      reason: 'INC-7 all',
    });
    const secondMarker = await sameKeyMarker(j);
    await waitFor(async () => (await effects(secondMarker.id)) === 1, {
      message: 'marker 2',
    });
    expect(await effects(j.submitted.id)).toBe(1);

    const replays = (await http('GET', '/admin/replays?limit=10', tokens.reader)).json().replays;
    expect(replays.map((r: { reason: string; dryRun: boolean }) => [r.reason, r.dryRun]).slice(0, 4)).toEqual(
      [
        ['INC-7 all', false],
        ['INC-7 repair', false],
        ['INC-7 reminder', false],
        ['INC-7 check invite', true],
      ],
    );
    expect(replays[4]).toMatchObject({ scope: { applicationId: j.applicationId }, eventCount: 3 });
  });

  it('replays a tenant time range and validates the request', async () => {
    const dry = await http('POST', '/admin/replays', tokens.admin, {
      scope: { tenantId: TENANT, from: '2020-01-15T10:00:00Z', to: '2020-01-15T10:01:00Z' },
      dryRun: true,
      reason: 'range check',
    });
    expect(dry.json()).toMatchObject({ dryRun: true });
    expect(dry.statusCode).toBe(201);
    expect(dry.json().eventCount).toBeGreaterThanOrEqual(3); // the ApplicationSubmitted of each journey
    expect(new Set(dry.json().events.map((e: { type: string }) => e.type))).toEqual(
      new Set(['ApplicationSubmitted']),
    );
    const bad = await http('POST', '/admin/replays', tokens.admin, {
      scope: { tenantId: TENANT, from: '2026-11-24T10:00:00Z', to: '2026-11-23T10:00:00Z' },
      dryRun: true,
      reason: 'bad range',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toBe('from must be before to');
    const mixed = await http('POST', '/admin/replays', tokens.admin, {
      scope: { tenantId: TENANT, from: '2026-11-24T10:00:00Z' },
      reason: 'no end',
    });
    expect(mixed.json().detail).toBe('scope: give applicationId, or tenantId with from and to');
    const noReason = await http('POST', '/admin/replays', tokens.admin, {
      scope: { applicationId: randomUUID() },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toContainEqual({ path: 'body.reason', message: 'is required' });
  });

  it('lists and shows a dead letter, redrives it once to its consumer only, refuses a second redrive', async () => {
    const j = await journey(`poison-${randomUUID().slice(0, 8)}`);
    const letter = await waitFor(
      async () => {
        const list = (await http('GET', '/admin/dead-letters?consumer=invite', tokens.admin)).json();
        return list.deadLetters.find((d: { eventId: string }) => d.eventId === j.submitted.id);
      },
      { message: 'the dead letter' },
    );
    expect(letter).toMatchObject({
      consumer: 'invite',
      eventType: 'ApplicationSubmitted',
      attempts: 1,
      error: 'PermanentError: applicant data cannot be processed',
      original: { topic: h.kafka.topicName(topics.applications) },
      redrives: [],
    });
    expect(letter.value.payload.applicants[0].lastName).toBe('L***');
    const path = `/admin/dead-letters/invite/${letter.partition}/${letter.offset}`;
    expect((await http('GET', path, tokens.admin)).json()).toMatchObject({ eventId: j.submitted.id });
    expect((await http('GET', '/admin/dead-letters/invite/0/999999', tokens.admin)).statusCode).toBe(404);
    expect((await http('GET', '/admin/dead-letters?consumer=nobody', tokens.admin)).statusCode).toBe(400);

    fixPoison(); // "the fix is deployed"
    const first = await http('POST', `${path}/redrive`, tokens.admin, { reason: 'fixed in 1.4.2' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ number: 1, eventId: j.submitted.id });
    await waitFor(async () => (await effects(j.submitted.id)) === 1, {
      message: 'the redriven effect',
    });

    const second = await http('POST', `${path}/redrive`, tokens.admin, { reason: 'again' });
    expect(second.statusCode).toBe(409);
    expect(second.json().detail).toMatch(/already redriven by alice/);
    const forced = await http('POST', `${path}/redrive`, tokens.admin, {
      reason: 'again, forced',
      force: true,
    });
    expect(forced.json().number).toBe(2);
    const shown = (await http('GET', path, tokens.admin)).json();
    expect(shown.redrives.map((r: { number: number }) => r.number)).toEqual([1, 2]);
    const marker = await sameKeyMarker(j);
    await waitFor(async () => (await effects(marker.id)) === 1);
    expect(await effects(j.submitted.id)).toBe(1); // the forced redrive met the inbox
  });

  it('forwards an explicit re-upload to report-sync with its admin token, audited; and a re-send to invite with its idempotency key', async () => {
    const response = await http('POST', '/admin/reruns/reupload-report', tokens.admin, {
      reportId: 'rep_9',
      reason: 'deleted in Entrata by the property',
    });
    expect(response.statusCode).toBe(202);
    expect(forwarded.at(-1)).toEqual({
      auth: `Bearer ${REPORT_SYNC_TOKEN}`,
      url: '/admin/reports/rep_9/reupload',
      body: { requestedBy: 'alice', reason: 'deleted in Entrata by the property' },
    });
    const retry = await http('POST', '/admin/reruns/retry-report', tokens.admin, {
      reportId: 'rep_8',
      reason: 'Entrata was down',
    });
    expect(retry.statusCode).toBe(202);
    expect(forwarded.at(-1)?.url).toBe('/admin/reports/rep_8/retry');
    const applicationId = randomUUID();
    const applicantId = randomUUID();
    const invite = await h.service.app.inject({
      method: 'POST',
      url: '/admin/reruns/resend-invite',
      headers: { authorization: `Bearer ${tokens.admin}`, 'idempotency-key': 'ticket-42-try-1' },
      payload: { applicationId, applicantId, kind: 'income', channels: ['sms'], reason: 'new phone number' },
    });
    expect(invite.statusCode).toBe(202);
    expect(forwarded.at(-1)).toEqual({
      auth: `Bearer ${INVITE_TOKEN}`,
      key: 'ticket-42-try-1',
      url: '/admin/invites/resend',
      body: {
        applicationId,
        applicantId,
        kind: 'income',
        channels: ['sms'],
        requestedBy: 'alice',
        reason: 'new phone number',
      },
    });
    await expect(
      callAdmin('invite', { url: 'http://127.0.0.1:9', token: undefined }, '/x', {}),
    ).rejects.toThrow("invite's admin token is not configured");
    const reader = await http('POST', '/admin/reruns/reupload-report', tokens.reader, {
      reportId: 'r',
      reason: 'abc',
    });
    expect(reader.statusCode).toBe(403);
    const audit = (await http('GET', '/admin/audit', tokens.admin)).json().entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'rerun.reupload-report',
        'rerun.resend-invite',
        'replay',
        'replay.dry-run',
        'dead-letter.redrive',
      ]),
    );
  });

  const cli = (args: string[], token: string, env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [fileURLToPath(new URL('../src/cli.ts', import.meta.url)), ...args],
        { env: { ...process.env, SUPPORT_URL: h.service.url, SUPPORT_TOKEN: token, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });

  it('the CLI prints the timeline as a table and API refusals clearly', async () => {
    const j = await journey();
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 3);
    const ok = await cli(['timeline', `entrata:${TENANT}:${j.entrataApplicationId}`], tokens.reader);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('3 events, 1 failed (personal data masked)');
    expect(ok.stdout).toMatch(new RegExp(`ApplicationSubmitted\\s+ok\\s+${traceId(1)}`));
    expect(ok.stdout).toMatch(/notify\s+[0-9a-f]{8}\s+NotificationFailed\s+FAILED/);
    const refused = await cli(['timeline', j.applicationId, '--unmask', '--reason', 'INC-9'], tokens.reader);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'support: timeline failed: 403 Forbidden: The token of bob lacks the scope "pii:read"',
    );
    const usage = await cli(['replay', '--application', j.applicationId], tokens.admin);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('replay: --reason "<why>" is required');
    await waitFor(async () => (await effects(j.submitted.id)) === 1, { message: 'invite processed it' });
    const dry = await cli(
      [
        'replay',
        '--application',
        j.applicationId,
        '--to-consumer',
        'invite',
        '--dry-run',
        '--reason',
        'INC-9 look',
      ],
      tokens.admin,
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('DRY RUN: would send 3 events to invite');
    expect(dry.stdout).toMatch(/consumer\s+will skip\s+will process\n[- ]+\ninvite\s+1\s+nothing/);
    const unmasked = await cli(
      ['timeline', j.applicationId, '--unmask', '--reason', 'INC-10 applicant asks'],
      tokens.admin,
      { SUPPORT_OPERATOR: 'jdoe' },
    );
    expect(unmasked.code).toBe(0);
    expect(unmasked.stdout).toContain('(UNMASKED: this read was audited)');
    const audit = await cli(['audit', '--action', 'timeline.unmask'], tokens.admin);
    expect(audit.stdout).toMatch(
      new RegExp(
        `alice \\(jdoe\\)\\s+timeline\\.unmask\\s+application:${j.applicationId}\\s+INC-10 applicant asks`,
      ),
    );
    const noReason = await cli(['timeline', j.applicationId, '--unmask'], tokens.admin);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('timeline --unmask: --reason "<why>" is required');
    const typo = await cli(['timeline', `entrata:${TENANT}:2000001x`], tokens.reader);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('timeline: Entrata application ids are numbers (got "2000001x")');
  });

  it('the CLI names a redriven message that is not an event, and its next dead letter links back', async () => {
    const applications = h.kafka.topicName(topics.applications);
    const key = `garbage-${randomUUID()}`;
    await h.kafka.publishRaw([{ topic: applications, key, value: 'not json at all', headers: {} }]);
    const listed = async () =>
      (
        (await http('GET', '/admin/dead-letters?consumer=invite&last=1000', tokens.admin)).json()
          .deadLetters as { key: string; partition: number; offset: string; redrivenFrom: unknown }[]
      ).filter((d) => d.key === key);
    const [letter] = await waitFor(async () => ((await listed()).length === 1 ? listed() : null), {
      message: 'the non-JSON dead letter',
    });
    const list = await cli(['dead-letters', 'list', '--consumer', 'invite', '--last', '1000'], tokens.admin);
    expect(list.stdout).toMatch(
      new RegExp(`${letter?.partition}/${letter?.offset}\\s+\\S+\\s+never tried\\s+invalid message`),
    );
    const address = ['invite', String(letter?.partition), String(letter?.offset)];
    const redriven = await cli(
      ['dead-letters', 'redrive', ...address, '--reason', 'try again'],
      tokens.admin,
    );
    expect(redriven.code).toBe(0);
    expect(redriven.stdout).toContain(
      `: the message at invite/${letter?.partition}/${letter?.offset} (not an event) (redrive #1, recorded)`,
    );
    const again = await cli(['dead-letters', 'redrive', ...address, '--reason', 'try again'], tokens.admin);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('repeat with --force');
    const next = await waitFor(async () => ((await listed()).length === 2 ? (await listed())[1] : null), {
      message: 'the redriven message dead-lettered again',
    });
    expect(next?.redrivenFrom).toEqual({ partition: letter?.partition, offset: letter?.offset });
  });

  it("lists, requeues and discards a service's set-aside outbox rows (service-kit's admin routes)", async () => {
    const db = new pg.Client({ connectionString: h.database.url });
    await db.connect();
    // Ended before the harness drops the database, even when an assertion fails.
    h.onStop('outbox test client', () => db.end().catch(() => {}));
    db.on('error', () => {});
    const j = { applicationId: applicationIdFor(TENANT, String(Math.floor(Math.random() * 1e9))) };
    const invite = buildEvent(
      InviteSent,
      { ...InviteSent.example, applicationId: j.applicationId },
      { tenantId: TENANT, correlationId: j.applicationId },
    );
    const topic = topicOfEvent('InviteSent').name;
    const setAside = async (id: number, event: { id: string }) =>
      db.query(
        `INSERT INTO outbox_failed (id, event_id, topic, key, event_type, envelope, created_at, attempts, error)
         VALUES ($1, $2, $3, $4, 'InviteSent', $5, now(), 3, 'MESSAGE_TOO_LARGE')`,
        [id, event.id, topic, j.applicationId, JSON.stringify(event)],
      );
    await setAside(900001, invite);
    const own = (method: 'GET' | 'POST', url: string, token = OWN_ADMIN_TOKEN) =>
      h.service.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await own('GET', '/admin/outbox/failed', '')).statusCode).toBe(401);
    expect((await own('GET', '/admin/outbox/failed', tokens.admin)).statusCode).toBe(403);
    const listed = (await own('GET', '/admin/outbox/failed')).json();
    expect(listed.failed).toEqual([
      expect.objectContaining({
        id: '900001',
        eventId: invite.id,
        eventType: 'InviteSent',
        attempts: 3,
        held: 0,
      }),
    ]);
    const requeued = await own('POST', '/admin/outbox/failed/900001/requeue');
    expect(requeued.json()).toEqual({ id: '900001', requeued: true });
    // Published by the relay: the console's own consumer puts it on the application's timeline.
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 1, {
      message: 'the requeued event published',
    });
    expect((await own('POST', '/admin/outbox/failed/900001/requeue')).statusCode).toBe(404);
    await setAside(900002, { ...invite, id: randomUUID() });
    expect((await own('POST', '/admin/outbox/failed/900002/discard')).json()).toEqual({
      id: '900002',
      discarded: true,
    });
    expect((await own('GET', '/admin/outbox/failed')).json().failed).toEqual([]);
  });

  it('the CLI lists, requeues and discards through the console, which forwards with the service token and audits', async () => {
    const list = await cli(['outbox', 'list', 'notify'], tokens.admin);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^id\s+failed at\s+event/);
    expect(list.stdout).toMatch(
      /17\s+2026-11-24T10:00:00.000Z\s+InviteSent\s+\S+\s+verifications\s+app-1\s+3\s+2\s+KafkaJS/,
    );
    expect(forwarded.at(-1)).toMatchObject({
      auth: `Bearer ${NOTIFY_TOKEN}`,
      url: '/admin/outbox/failed?limit=100',
    });
    const requeue = await cli(
      ['outbox', 'requeue', 'notify', '17', '--reason', 'INC-11 limit raised'],
      tokens.admin,
    );
    expect(requeue.code).toBe(0);
    expect(requeue.stdout).toContain('notify requeued outbox row 17');
    expect(forwarded.at(-1)).toEqual({
      auth: `Bearer ${NOTIFY_TOKEN}`,
      key: undefined,
      url: '/admin/outbox/failed/17/requeue',
      body: { requestedBy: 'alice', reason: 'INC-11 limit raised' },
    });
    const discard = await cli(
      ['outbox', 'discard', 'notify', '17', '--reason', 'INC-11 obsolete'],
      tokens.admin,
    );
    expect(discard.stdout).toContain('notify discarded outbox row 17 for good');
    const unconfigured = await cli(['outbox', 'list', 'reminder'], tokens.admin);
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stderr).toContain(
      "503 Service Unavailable: reminder's admin token is not configured",
    );
    const usage = await cli(['outbox', 'list', 'nobody'], tokens.admin);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('outbox list: unknown service "nobody"');
    const reader = await cli(['outbox', 'list', 'notify'], tokens.reader);
    expect(reader.code).toBe(1);
    const audit = (await http('GET', '/admin/audit?limit=10', tokens.admin)).json().entries;
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'outbox.requeue',
        target: 'notify/outbox/17',
        reason: 'INC-11 limit raised',
      }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'outbox.discard', target: 'notify/outbox/17' }),
    );
  });

  it('erase: publishes one request (audited), erases the applicant from the timeline, lists the answers', async () => {
    const j = await journey();
    const applicantId = ApplicationSubmitted.example.applicants[0]?.applicantId as string;
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 3);
    const body = { tenantId: TENANT, applicationId: j.applicationId, reason: 'DSR-41' };
    const url = `/admin/applicants/${applicantId}/erase`;
    expect((await http('POST', url, tokens.reader, body)).statusCode).toBe(403);
    expect((await http('POST', url, tokens.admin, { ...body, reason: undefined })).statusCode).toBe(400);
    const accepted = await http('POST', url, tokens.admin, body);
    expect(accepted.statusCode).toBe(202);
    const { requestId } = accepted.json();
    const [request] = await waitFor(async () => {
      const found = (await h.events(topics.erasureRequests, 'ApplicantErasureRequested')).filter(
        (e) => e.payload.requestId === requestId,
      );
      return found.length > 0 ? found : undefined;
    });
    expect(request?.payload).toMatchObject({ applicantId, requestedBy: 'support:alice', reason: 'DSR-41' });
    const db = h.service.db.client;
    const mentioning = async () =>
      (await db.timelineEvent.findMany({ where: { correlationId: j.applicationId } })).filter(
        (row) =>
          row.type !== 'ApplicantErasureRequested' && JSON.stringify(row.envelope).includes(applicantId),
      ).length;
    await waitFor(async () => (await mentioning()) === 0, { message: 'timeline erased' });
    const audit = (await http('GET', '/admin/audit?action=applicant.erase', tokens.admin)).json().entries;
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'alice', target: applicantId, reason: 'DSR-41' }),
    );

    // A service's answer (a stand-in for invite) is listed with the request.
    await h.publish(
      ApplicantErased,
      {
        requestId,
        applicationId: j.applicationId,
        applicantId,
        service: 'invite',
        erased: { applicants: 1 },
      },
      { tenantId: TENANT, correlationId: j.applicationId },
    );
    const status = await waitFor(async () => {
      const answer = (await http('GET', `/admin/erasures/${requestId}`, tokens.admin)).json();
      return answer.confirmed?.length === 1 ? answer : undefined;
    });
    expect(status).toMatchObject({
      request: { applicantId },
      confirmed: [{ service: 'invite', erased: { applicants: 1 } }],
    });
  });

  it('the retention run deletes timeline events older than RETENTION_DAYS, but not the erasure audit trail', async () => {
    // Last of the file's timeline tests: journeys occurred in 2020, so this run deletes them all.
    const j = await journey();
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 3);
    const recent = await sameKeyMarker(j);
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 4);
    await h.service.jobs.send(retentionJob, {});
    const db = h.service.db.client;
    await waitFor(async () => (await timeline(j.applicationId)).body.events?.length === 1, {
      message: 'old events purged',
    });
    expect((await timeline(j.applicationId)).body.events[0].eventId).toBe(recent.id);
    expect(await db.timelineEvent.count({ where: { type: 'ApplicantErasureRequested' } })).toBeGreaterThan(0);
  });

  it('wrote no personal data or tokens to its logs', () => {
    const text = logLines.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/ada@example\.com|Lovelace|3035550123/);
    expect(text).not.toContain(tokens.admin);
    expect(text).not.toContain(REPORT_SYNC_TOKEN);
    expect(text).not.toContain(NOTIFY_TOKEN);
    expect(text).not.toContain(OWN_ADMIN_TOKEN);
  });
});
