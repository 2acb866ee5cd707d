import { describe, expect, it } from 'vitest';
import { smtpRequiresTls } from './email.ts';

describe('smtpRequiresTls', () => {
  it('requires STARTTLS for a server elsewhere', () => {
    expect(smtpRequiresTls('smtp://user:pw@smtp.sendgrid.net:587')).toBe(true);
    expect(smtpRequiresTls('smtp://10.0.0.12:25')).toBe(true);
    expect(smtpRequiresTls('smtp://sandbox.example.com:2525')).toBe(true);
  });

  it('does not for loopback and the local sandbox, nor for smtps:// (TLS from the first byte)', () => {
    expect(smtpRequiresTls('smtp://127.0.0.1:2525')).toBe(false);
    expect(smtpRequiresTls('smtp://127.1.2.3:2525')).toBe(false);
    expect(smtpRequiresTls('smtp://localhost:2525')).toBe(false);
    expect(smtpRequiresTls('smtp://[::1]:2525')).toBe(false);
    expect(smtpRequiresTls('smtp://sandbox:2525')).toBe(false);
    expect(smtpRequiresTls('smtps://smtp.example.com:465')).toBe(false);
  });
});
