import { InvalidReportError } from './errors.ts';

const PDF_HEADER = Buffer.from('%PDF-', 'latin1');
const PDF_TRAILER = Buffer.from('%%EOF', 'latin1');
// Writers may add a newline, whitespace or a few bytes of padding after the final %%EOF.
const TRAILER_WINDOW = 1024;

/** Throws InvalidReportError unless the bytes look like a complete PDF (header and final %%EOF). */
export function assertCompletePdf(bytes: Buffer, reportId: string): void {
  if (bytes.length === 0) throw new InvalidReportError('empty report body', reportId);
  if (!bytes.subarray(0, PDF_HEADER.length).equals(PDF_HEADER)) {
    throw new InvalidReportError('body is not a PDF (no %PDF- header)', reportId);
  }
  const tail = bytes.subarray(Math.max(0, bytes.length - TRAILER_WINDOW));
  if (tail.indexOf(PDF_TRAILER) === -1) {
    throw new InvalidReportError(`PDF is truncated (no %%EOF in its last ${TRAILER_WINDOW} bytes)`, reportId);
  }
}
