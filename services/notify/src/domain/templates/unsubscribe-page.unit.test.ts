import { describe, expect, it } from 'vitest';
import { unsubscribePage } from './unsubscribe-page.ts';

describe('unsubscribePage', () => {
  it('asks for confirmation with a POST form', () => {
    const page = unsubscribePage({ state: 'confirm', senderName: 'Acme' });
    expect(page).toContain('<form method="post">');
    expect(page).toContain('from Acme');
  });

  it('escapes the sender name', () => {
    expect(unsubscribePage({ state: 'done', senderName: '<b>x</b>' })).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('explains an invalid link', () => {
    expect(unsubscribePage({ state: 'invalid' })).toContain('not valid');
  });
});
