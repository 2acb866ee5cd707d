import { EntrataError } from '@autoverify/entrata-client';
import { InvalidReportError, VerificationPlatformError } from '@autoverify/verification-client';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './file-type.ts';
import { ReportBindingError } from './report-binding.ts';
import {
  classifyFailure,
  decideAfterFailure,
  type FailureContext,
  LeaseNotFoundError,
  planRun,
} from './sync-decision.ts';

const entrata = (init: Partial<ConstructorParameters<typeof EntrataError>[0]>) =>
  new EntrataError({ kind: 'api', code: 304, message: 'Invalid parameters', retryable: false, ...init });

describe('planRun', () => {
  it('does nothing for a synced or failed report', () => {
    expect(planRun({ status: 'synced', uploadUnconfirmed: false })).toMatchObject({ action: 'skip' });
    expect(planRun({ status: 'failed', uploadUnconfirmed: true })).toMatchObject({ action: 'skip' });
  });

  it('uploads a pending report directly', () => {
    expect(planRun({ status: 'pending', uploadUnconfirmed: false })).toEqual({
      action: 'sync',
      verifyFirst: false,
    });
  });

  it('checks Entrata first when an earlier upload may have gone through', () => {
    expect(planRun({ status: 'uploading', uploadUnconfirmed: false })).toEqual({
      action: 'sync',
      verifyFirst: true,
    });
    expect(planRun({ status: 'pending', uploadUnconfirmed: true })).toEqual({
      action: 'sync',
      verifyFirst: true,
    });
  });
});

describe('classifyFailure', () => {
  it('retries Entrata errors the client marks retryable; upload rejections are certain', () => {
    expect(classifyFailure(entrata({ code: 310, retryable: true }), 'upload')).toMatchObject({
      kind: 'transient',
      uncertain: false,
    });
    expect(
      classifyFailure(entrata({ kind: 'rate_limited', code: 429, retryable: true }), 'upload'),
    ).toMatchObject({
      kind: 'transient',
      uncertain: false,
    });
  });

  it('treats time-outs, 5xx statuses and unreadable answers of an upload as possibly stored', () => {
    expect(classifyFailure(entrata({ kind: 'timeout', code: 0, retryable: true }), 'upload')).toMatchObject({
      kind: 'transient',
      uncertain: true,
    });
    expect(
      classifyFailure(entrata({ kind: 'http', code: 502, httpStatus: 502, retryable: true }), 'upload'),
    ).toMatchObject({
      kind: 'transient',
      uncertain: true,
    });
    expect(
      classifyFailure(entrata({ kind: 'invalid_response', code: 0, retryable: false }), 'upload'),
    ).toMatchObject({
      kind: 'transient',
      uncertain: true,
    });
    // The same errors on a read prove nothing was uploaded.
    expect(classifyFailure(entrata({ kind: 'timeout', code: 0, retryable: true }), 'verify')).toMatchObject({
      uncertain: false,
    });
  });

  it('knows a connection that was never made uploaded nothing', () => {
    const refused = entrata({
      kind: 'network',
      code: 0,
      retryable: true,
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    const reset = entrata({
      kind: 'network',
      code: 0,
      retryable: true,
      cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
    });
    expect(classifyFailure(refused, 'upload').uncertain).toBe(false);
    expect(classifyFailure(reset, 'upload').uncertain).toBe(true);
  });

  it('records auth, invalid parameters and refused files at once', () => {
    expect(classifyFailure(entrata({ code: 113, retryable: false }), 'upload')).toMatchObject({
      kind: 'permanent',
    });
    expect(classifyFailure(entrata({ code: 320, retryable: false }), 'upload')).toMatchObject({
      kind: 'permanent',
      uncertain: false,
    });
  });

  it('records a report that cannot be shown to belong to its application at once', () => {
    expect(classifyFailure(new ReportBindingError('report rep_1 belongs to grp_2'), 'prepare')).toMatchObject(
      {
        kind: 'permanent',
        uncertain: false,
        reason: expect.stringMatching(/^report not bound to its application: .*grp_2/),
      },
    );
  });

  it('classifies platform errors by the client verdict and flags incomplete PDFs', () => {
    expect(classifyFailure(new InvalidReportError('truncated', 'rep_1'), 'fetch')).toMatchObject({
      kind: 'transient',
      invalidPdf: true,
    });
    const notFound = new VerificationPlatformError('not found', {
      kind: 'http',
      status: 404,
      retryable: false,
    });
    expect(classifyFailure(notFound, 'fetch')).toMatchObject({ kind: 'permanent', invalidPdf: false });
  });

  it('treats configuration errors as permanent and unknown errors as transient', () => {
    expect(classifyFailure(new ConfigurationError('no type'), 'prepare')).toMatchObject({
      kind: 'permanent',
    });
    // No lease to list documents of: uploading blind could store the report twice, so it stops visibly.
    expect(classifyFailure(new LeaseNotFoundError('2000001', '100200'), 'verify')).toMatchObject({
      kind: 'permanent',
      reason: expect.stringContaining('no lease for application 2000001'),
    });
    expect(classifyFailure(new Error('boom'), 'fetch')).toMatchObject({
      kind: 'transient',
      uncertain: false,
    });
    expect(classifyFailure(new Error('boom'), 'upload')).toMatchObject({
      kind: 'transient',
      uncertain: true,
    });
  });
});

describe('decideAfterFailure', () => {
  const ctx: FailureContext = {
    phase: 'upload',
    attempts: 1,
    final: false,
    invalidPdfCount: 0,
    maxInvalidPdf: 3,
    wasUnconfirmed: false,
  };
  const transient = {
    kind: 'transient' as const,
    uncertain: false,
    invalidPdf: false,
    reason: 'Entrata 503',
  };

  it('retries a transient failure, remembering an uncertain upload', () => {
    expect(decideAfterFailure(transient, ctx)).toMatchObject({ action: 'retry', uploadUnconfirmed: false });
    expect(decideAfterFailure({ ...transient, uncertain: true }, ctx)).toMatchObject({
      action: 'retry',
      uploadUnconfirmed: true,
    });
  });

  it('records a permanent failure at once', () => {
    expect(decideAfterFailure({ ...transient, kind: 'permanent', reason: 'auth' }, ctx)).toMatchObject({
      action: 'fail',
      reason: 'auth',
    });
  });

  it('records the failure on the last attempt', () => {
    expect(decideAfterFailure(transient, { ...ctx, final: true, attempts: 11 })).toMatchObject({
      action: 'fail',
      reason: 'gave up after 11 attempts; last: Entrata 503',
    });
  });

  it('tolerates a few incomplete PDFs, then fails visibly', () => {
    const pdf = { ...transient, invalidPdf: true, reason: 'truncated' };
    expect(decideAfterFailure(pdf, { ...ctx, phase: 'fetch', invalidPdfCount: 1 })).toMatchObject({
      action: 'retry',
      invalidPdfCount: 2,
    });
    expect(decideAfterFailure(pdf, { ...ctx, phase: 'fetch', invalidPdfCount: 2 })).toMatchObject({
      action: 'fail',
      invalidPdfCount: 3,
      reason: expect.stringMatching(/incomplete after 3 fetches/),
    });
  });

  it('keeps an earlier unconfirmed upload unconfirmed until the document list was read', () => {
    const was = { ...ctx, wasUnconfirmed: true };
    expect(decideAfterFailure(transient, { ...was, phase: 'verify' }).uploadUnconfirmed).toBe(true);
    expect(decideAfterFailure(transient, { ...was, phase: 'prepare' }).uploadUnconfirmed).toBe(true);
    expect(decideAfterFailure(transient, { ...was, phase: 'fetch' }).uploadUnconfirmed).toBe(false);
  });
});
