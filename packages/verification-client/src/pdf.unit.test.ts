import { describe, expect, it } from 'vitest';
import { InvalidReportError } from './errors.ts';
import { assertCompletePdf } from './pdf.ts';

const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

describe('assertCompletePdf', () => {
  it('accepts a complete PDF, with trailing whitespace', () => {
    expect(() => assertCompletePdf(pdf, 'r1')).not.toThrow();
  });
  it('rejects empty, non-PDF and truncated bodies with a typed error', () => {
    expect(() => assertCompletePdf(Buffer.alloc(0), 'r1')).toThrow(InvalidReportError);
    expect(() => assertCompletePdf(Buffer.from('<html>error</html>'), 'r1')).toThrow(/no %PDF- header/);
    expect(() => assertCompletePdf(pdf.subarray(0, pdf.length - 8), 'r1')).toThrow(/truncated/);
    const padded = Buffer.concat([pdf.subarray(0, 20), Buffer.alloc(5000, 0x20)]);
    expect(() => assertCompletePdf(padded, 'r1')).toThrow(/truncated/);
  });
});
