import { describe, expect, it } from 'vitest';
import { escapeHtml, html, safeHref } from './html.ts';

describe('html template', () => {
  it('escapes every interpolated value', () => {
    const name = `<script>alert("x")</script>&'\``;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</p>',
    );
  });

  it('keeps nested templates, joins arrays, drops null/undefined/false', () => {
    const items = ['a<b', 'c'].map((i) => html`<li>${i}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}${html`<hr>`}`.text).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>0<hr>',
    );
  });

  it('escapes the characters that end an attribute or start markup', () => {
    expect(escapeHtml(`"'<>&\``)).toBe('&quot;&#39;&lt;&gt;&amp;&#96;');
  });

  it('lets only http(s) and same-site links through', () => {
    expect(safeHref('https://grafana.example.com/x')).toBe('https://grafana.example.com/x');
    expect(safeHref('/applications/1')).toBe('/applications/1');
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref('//evil.example.com')).toBe('#');
  });
});
