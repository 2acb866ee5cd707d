import { parseUsDate, usDateTime } from './dates.ts';
import { intParam } from './envelope.ts';
import { EntrataError } from './errors.ts';
import type { MethodContext } from './methods.ts';
import type { Application, Customer } from './store.ts';

/** getLeads carries no customer type: roles come from leases/getLeases. Absent values are absent keys. */
function customerView(c: Customer) {
  return {
    customerId: String(c.customerId),
    firstName: c.firstName,
    lastName: c.lastName,
    ...(c.email ? { email: c.email } : {}),
    ...(c.phones.personal ? { personalPhoneNumber: c.phones.personal } : {}),
    ...(c.phones.cell ? { cellPhoneNumber: c.phones.cell } : {}),
    ...(c.phones.office ? { officePhoneNumber: c.phones.office } : {}),
    ...(c.phones.fax ? { faxPhoneNumber: c.phones.fax } : {}),
  };
}

function prospectView(a: Application) {
  return {
    leadId: String(a.leadId),
    applicationId: String(a.applicationId),
    propertyId: String(a.propertyId),
    status: a.status,
    createdOn: usDateTime(a.createdOn),
    lastUpdatedOn: usDateTime(a.updatedOn),
    customers: { customer: a.customers.map(customerView) },
  };
}

const dayKey = (d: Date) => usDateTime(d).replace(/^(\d{2})\/(\d{2})\/(\d{4}).*$/, '$3-$1-$2');

/** leads/getLeads r1: prospects of a property, filtered by ids and by created/updated dates (MM/DD/YYYY, MT). */
export function getLeads({ org, params, store }: MethodContext) {
  const propertyId = intParam(params, 'propertyId', true);
  if (!store.propertyOf(org.org, propertyId))
    throw new EntrataError('invalidParams', `Unknown propertyId ${propertyId}.`);
  const leadId = intParam(params, 'leadId');
  const applicationId = intParam(params, 'applicationId');
  const createdFrom = parseUsDate(params.createdOnDateFrom, 'createdOnDateFrom');
  const createdTo = parseUsDate(params.createdOnDateTo, 'createdOnDateTo');
  const updatedFrom = parseUsDate(params.fromDate, 'fromDate');
  const updatedTo = parseUsDate(params.toDate, 'toDate');
  const prospects = store.applicationsOf(org.org, propertyId).filter((a) => {
    const created = dayKey(a.createdOn);
    const updated = dayKey(a.updatedOn);
    return (
      (leadId === undefined || a.leadId === leadId) &&
      (applicationId === undefined || a.applicationId === applicationId) &&
      (!createdFrom || created >= createdFrom) &&
      (!createdTo || created <= createdTo) &&
      (!updatedFrom || updated >= updatedFrom) &&
      (!updatedTo || updated <= updatedTo)
    );
  });
  return { prospects: { prospect: prospects.map(prospectView) } };
}

/** Relationship types as Entrata lists them; each maps to the customer type it creates. */
export const RELATIONSHIP_TYPES = [
  { id: '1', name: 'Primary', customerType: 'Primary' },
  { id: '2', name: 'Spouse', customerType: 'Co-Applicant' },
  { id: '3', name: 'Roommate', customerType: 'Co-Applicant' },
  { id: '4', name: 'Guarantor', customerType: 'Guarantor' },
  { id: '5', name: 'Parent', customerType: 'Guarantor' },
  { id: '6', name: 'Child', customerType: 'Occupant' },
  { id: '7', name: 'Other Occupant', customerType: 'Occupant' },
] as const;

/** leads/getLeadPickLists r2, reduced to what the integration uses. */
export function getLeadPickLists({ org, params, store }: MethodContext) {
  const propertyId = intParam(params, 'propertyId');
  if (propertyId !== undefined && !store.propertyOf(org.org, propertyId)) {
    throw new EntrataError('invalidParams', `Unknown propertyId ${propertyId}.`);
  }
  return {
    pickLists: {
      relationshipTypes: { relationshipType: RELATIONSHIP_TYPES.map((r) => ({ ...r })) },
      leadSources: {
        leadSource: [
          { id: '10', name: 'Website' },
          { id: '11', name: 'Walk-in' },
        ],
      },
    },
  };
}
