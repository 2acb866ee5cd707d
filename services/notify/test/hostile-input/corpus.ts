/**
 * Bad and hostile requests to notify, as data: what is sent and what notify must answer. The test
 * (hostile-input.integration.test.ts) sends each to a real notify and checks that nothing was unsubscribed
 * by a rejected one, that no answer echoes the request path, and that the service still serves afterwards.
 * Tokens and signatures are named here and made at send time (they need the running service's data).
 */

/** Unsubscribe tokens the test makes: for an email notification, an SMS one, an unknown id, forgeries. */
export type TokenName = 'valid' | 'for-sms' | 'unknown-notification' | 'forged' | 'legacy-forged';

/** How a Twilio webhook is signed: with the current or previous auth token, a wrong one, or over another URL. */
export type Signature = 'current' | 'previous' | 'wrong' | 'other-url' | 'none';

export interface HostileCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  /** A path, or one made from a named unsubscribe token. */
  path: string | { unsubscribe: TokenName };
  /** Twilio webhooks: form parameters, signed as `signature` says. */
  form?: Record<string, string>;
  signature?: Signature;
  contentType?: string;
  accept?: string;
  body?: string;
  /**
   * Sent over a raw socket (what fetch will not send: bodies the server refuses before reading them, huge
   * headers, broken HTTP): the request head, and how many body bytes follow (chunked when `chunked`).
   */
  raw?: { head?: string; extraHeaders?: string; bodyBytes?: number; chunked?: boolean };
  expect: {
    status: number;
    /** 'problem' = application/problem+json; 'html' = the unsubscribe page; 'xml' = TwiML. */
    as: 'problem' | 'html' | 'xml' | 'empty';
    type?: string;
    /** The answer must not contain this (the request's path or a long run from it). */
    noEcho?: string;
  };
}

const inbound = (fields: Record<string, string> = {}) => ({
  From: '+17205550142',
  To: '+13035550100',
  Body: 'hello',
  MessageSid: 'SMhostile0001',
  ...fields,
});
const status = (fields: Record<string, string> = {}) => ({
  MessageSid: 'SMhostile-status',
  MessageStatus: 'delivered',
  ...fields,
});

const PROBLEM_403 = { status: 403, as: 'problem', type: 'urn:problem:invalid-signature' } as const;
const INVALID_LINK = { status: 400, as: 'problem', type: 'urn:problem:invalid-unsubscribe-token' } as const;

export const corpus: HostileCase[] = [
  // ---- unsubscribe links ----------------------------------------------------------------------
  {
    name: 'GET of a genuine link only shows the page (mail scanners follow links)',
    method: 'GET',
    path: { unsubscribe: 'valid' },
    expect: { status: 200, as: 'html' },
  },
  {
    name: 'GET of a forged link',
    method: 'GET',
    path: { unsubscribe: 'forged' },
    expect: { status: 400, as: 'html' },
  },
  {
    name: 'POST of a forged link',
    method: 'POST',
    path: { unsubscribe: 'forged' },
    expect: INVALID_LINK,
  },
  {
    name: 'POST of an old-style (u1) link with a forged address and mac',
    method: 'POST',
    path: { unsubscribe: 'legacy-forged' },
    expect: INVALID_LINK,
  },
  {
    name: 'POST of a genuinely signed link for a notification that does not exist',
    method: 'POST',
    path: { unsubscribe: 'unknown-notification' },
    expect: INVALID_LINK,
  },
  {
    name: 'POST of a genuinely signed link for an SMS notification (no email to unsubscribe)',
    method: 'POST',
    path: { unsubscribe: 'for-sms' },
    expect: INVALID_LINK,
  },
  {
    name: 'a 3 KB token (no such reference)',
    method: 'GET',
    path: `/unsubscribe/u2.${'a'.repeat(3000)}.mac`,
    expect: { status: 400, as: 'html', noEcho: 'aaaaaaaaaa' },
  },
  {
    name: 'a URL over 4096 characters: 414 without echo',
    method: 'GET',
    path: `/unsubscribe/${'a'.repeat(5000)}`,
    expect: { status: 414, as: 'problem', type: 'urn:problem:uri-too-long', noEcho: 'aaaaaaaaaa' },
  },
  {
    name: 'a 64 KB URL (the old quadratic log scrubber): 431 from the HTTP parser, as a problem',
    method: 'GET',
    path: `/unsubscribe/${'a'.repeat(64 * 1024)}`,
    raw: {},
    expect: { status: 431, as: 'problem', noEcho: 'aaaaaaaaaa' },
  },
  {
    name: 'a genuine link with a 10 MB body (Content-Length): 413 before reading it',
    method: 'POST',
    path: { unsubscribe: 'valid' },
    raw: { bodyBytes: 10 * 1024 * 1024 },
    expect: { status: 413, as: 'problem', type: 'urn:problem:payload-too-large' },
  },
  {
    name: 'a genuine link with a 2 MB chunked body: 413 once 1 KiB has arrived',
    method: 'POST',
    path: { unsubscribe: 'valid' },
    raw: { bodyBytes: 2 * 1024 * 1024, chunked: true },
    expect: { status: 413, as: 'problem', type: 'urn:problem:payload-too-large' },
  },
  {
    name: 'a forged link with a 10 MB body: 400 before any body is read',
    method: 'POST',
    path: { unsubscribe: 'forged' },
    raw: { bodyBytes: 10 * 1024 * 1024 },
    expect: INVALID_LINK,
  },
  {
    name: 'an undecodable path',
    method: 'GET',
    path: '/unsubscribe/%E0%A4%Azz',
    expect: { status: 400, as: 'problem', noEcho: '%E0' },
  },
  {
    name: 'an unknown route: 404 without echo',
    method: 'GET',
    path: '/admin/secret-looking-path?token=abc',
    expect: { status: 404, as: 'problem', type: 'urn:problem:not-found', noEcho: 'secret-looking-path' },
  },
  {
    name: 'PUT on the unsubscribe path',
    method: 'PUT',
    path: { unsubscribe: 'valid' },
    expect: { status: 404, as: 'problem' },
  },
  {
    name: 'headers over 16 KiB: 431 as a problem',
    method: 'GET',
    path: '/health/live',
    raw: { extraHeaders: `X-Pad: ${'b'.repeat(20_000)}\r\n` },
    expect: { status: 431, as: 'problem', noEcho: 'bbbbbbbbbb' },
  },
  {
    name: 'not HTTP at all',
    method: 'GET',
    path: '/',
    raw: { head: 'HELLO THERE\r\n\r\n' },
    expect: { status: 400, as: 'problem' },
  },

  // ---- Twilio webhooks --------------------------------------------------------------------------
  {
    name: 'inbound SMS without a signature',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ Body: 'STOP' }),
    signature: 'none',
    expect: PROBLEM_403,
  },
  {
    name: 'inbound SMS signed with a wrong token',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ Body: 'STOP' }),
    signature: 'wrong',
    expect: PROBLEM_403,
  },
  {
    name: 'inbound SMS signed for another URL',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ Body: 'STOP' }),
    signature: 'other-url',
    expect: PROBLEM_403,
  },
  {
    name: 'inbound SMS as JSON',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    contentType: 'application/json',
    body: JSON.stringify(inbound({ Body: 'STOP' })),
    expect: { status: 415, as: 'problem' },
  },
  {
    name: 'inbound SMS with a 100 KB form body',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ Body: 'x'.repeat(100_000) }),
    signature: 'current',
    expect: { status: 413, as: 'problem' },
  },
  {
    name: 'inbound SMS without MessageSid, correctly signed',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: { From: '+17205550142', To: '+13035550100', Body: 'STOP' },
    signature: 'current',
    expect: { status: 400, as: 'problem' },
  },
  {
    name: 'inbound SMS with a NUL character in MessageSid, correctly signed',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ MessageSid: 'SM\u0000nul', Body: 'STOP' }),
    signature: 'current',
    expect: { status: 400, as: 'problem' },
  },
  {
    name: 'inbound SMS with NUL and control characters in its text, correctly signed (stored, no crash)',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ MessageSid: 'SMhostile-nul-body', Body: 'hi\u0000there\u0007' }),
    signature: 'current',
    expect: { status: 200, as: 'xml' },
  },
  {
    name: 'inbound SMS with an injection string, signed with the previous token (stored inertly)',
    method: 'POST',
    path: '/webhooks/twilio/inbound',
    form: inbound({ MessageSid: 'SMhostile-sql', Body: "x'); DELETE FROM suppressions; --" }),
    signature: 'previous',
    expect: { status: 200, as: 'xml' },
  },
  {
    name: 'status callback without MessageStatus',
    method: 'POST',
    path: '/webhooks/twilio/status',
    form: { MessageSid: 'SMx' },
    signature: 'current',
    expect: { status: 400, as: 'problem' },
  },
  {
    name: 'status callback with an unknown status and a NUL in the error code',
    method: 'POST',
    path: '/webhooks/twilio/status',
    form: status({ MessageStatus: 'exploded', ErrorCode: '3\u00000003' }),
    signature: 'current',
    expect: { status: 400, as: 'problem' },
  },
  {
    name: 'status callback for a message we never sent',
    method: 'POST',
    path: '/webhooks/twilio/status',
    form: status({ MessageStatus: 'undelivered', ErrorCode: '30003' }),
    signature: 'current',
    expect: { status: 204, as: 'empty' },
  },
];
