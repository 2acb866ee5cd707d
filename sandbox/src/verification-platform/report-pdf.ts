import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { ApplicantGroup, Report } from './store.ts';

const dollars = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

function reportApplicants(group: ApplicantGroup, report: Report) {
  return report.applicantId ? group.applicants.filter((a) => a.id === report.applicantId) : group.applicants;
}

/** A one-page PDF naming the report type and the applicants, enough for a person or a test to recognise it. */
export async function renderReportPdf(group: ApplicantGroup, report: Report): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const created = new Date(report.createdAt);
  doc.setTitle(`${report.type} report ${report.id}`);
  doc.setCreator('autoverify sandbox');
  // The page text is compressed; the metadata lets a test (or a PDF viewer's properties) check who it covers.
  const names = reportApplicants(group, report).map((a) => `${a.firstName} ${a.lastName}`);
  doc.setSubject(`Applicants: ${names.join(', ')}`);
  doc.setKeywords([report.type, group.id]);
  doc.setCreationDate(created);
  doc.setModificationDate(created);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([612, 792]);
  let y = 740;
  const line = (text: string, size = 11, f = font) => {
    page.drawText(text, { x: 56, y, size, font: f });
    y -= size + 9;
  };
  const title = report.type.charAt(0).toUpperCase() + report.type.slice(1);
  line(`${title} verification report`, 20, bold);
  line('SANDBOX - not a real report', 10);
  y -= 8;
  line(`Report id: ${report.id}`);
  line(`Report type: ${report.type}`);
  line(`Applicant group: ${group.id}`);
  line(
    `Property: ${group.property.name}, ${group.property.street_address}, ${group.property.city}, ${group.property.state}`,
  );
  line(`Monthly rent: ${dollars(group.monthlyRentCents)}`);
  line(`Generated: ${report.createdAt}`);
  y -= 8;
  line('Applicants', 13, bold);
  for (const applicant of reportApplicants(group, report)) {
    line(`${applicant.firstName} ${applicant.lastName}${applicant.email ? ` <${applicant.email}>` : ''}`);
  }
  return doc.save();
}
