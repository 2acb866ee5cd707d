import { describe, expect, it } from 'vitest';
import { keywordReply, twiml } from './inbound-replies.ts';
import { emailMessageId } from './message-id.ts';

describe('keywordReply', () => {
  it('confirms an opt-out and says how to undo it', () => {
    expect(keywordReply('stop', 'Acme Living')).toMatch(/^Acme Living: You are unsubscribed.*Reply START/);
  });

  it('gives help with the brand and how to stop', () => {
    const help = keywordReply('help', 'Acme Living') ?? '';
    expect(help).toContain('Acme Living');
    expect(help).toContain('Reply STOP to opt out');
  });

  it('confirms a re-subscription', () => {
    expect(keywordReply('start', undefined)).toMatch(/resubscribed.*Reply STOP/);
  });

  it('answers nothing to other messages', () => {
    expect(keywordReply('none', 'Acme')).toBeUndefined();
  });
});

describe('twiml', () => {
  it('wraps an escaped message', () => {
    expect(twiml('A & <B>')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>A &amp; &lt;B&gt;</Message></Response>',
    );
  });

  it('is empty without a message', () => {
    expect(twiml(undefined)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });
});

describe('emailMessageId', () => {
  it('is deterministic per notification and distinct across notifications', () => {
    expect(emailMessageId('invite:a:income:email:1')).toBe(emailMessageId('invite:a:income:email:1'));
    expect(emailMessageId('invite:a:income:email:1')).not.toBe(emailMessageId('invite:a:income:email:2'));
    expect(emailMessageId('x')).toMatch(/^<[0-9a-f]{32}@autoverify>$/);
  });
});
