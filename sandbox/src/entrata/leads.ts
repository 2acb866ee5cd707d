import { parseUsDate, usDateTime } from './dates.ts';
import { intParam } from './envelope.ts';
import { EntrataError } from './errors.ts';
import type { MethodContext } from './methods.ts';
import { pageOf } from './paging.ts';
import type { Application, Customer } from './store.ts';

/**
 * domain.md: `customers.customer[]` each with `customerId`, `firstName`, `lastName`, `email` and four separate
 * optional phone strings; "an absent email is an absent key". getLeads carries NO customer type.
 */
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

/**
 * domain.md: a prospect has `applicationId`, `status`, `createdOn` and its customers, and NO `leadId` field
 * (a correction learned from real captures). Ids are strings in responses. NOT DOCUMENTED: createdOn's exact
 * format; responses use MM/DD/YYYY or YYYY-MM-DD, assumed `MM/DD/YYYY HH:mm:ss` Mountain Time here.
 */
function prospectView(a: Application) {
  return {
    applicationId: String(a.applicationId),
    status: a.status,
    createdOn: usDateTime(a.createdOn),
    customers: { customer: a.customers.map(customerView) },
  };
}

const dayKey = (d: Date) => usDateTime(d).replace(/^(\d{2})\/(\d{2})\/(\d{4}).*$/, '$3-$1-$2');

/**
 * leads/getLeads r1. The published model's params: `propertyId` (integer, required), `leadId` (integer) and
 * date filters `createdOnDateFrom`/`createdOnDateTo` (created), `fromDate`/`toDate` (MM/DD/YYYY). `leadId` is
 * the number Entrata also shows as the application id. Paginated by `page_no`/`per_page`.
 *
 * There is no `applicationId` parameter. NOT DOCUMENTED: what Entrata does with a parameter its model does not
 * list; assumed it IGNORES it (as RPC APIs commonly do), so a client filtering by `applicationId` gets every
 * prospect of the property, exactly as it would from Entrata, instead of a filter that only the fake applies.
 * The same holds for every other unlisted parameter of every method here.
 * NOT DOCUMENTED: fromDate/toDate are assumed to filter on the last update.
 */
export function getLeads({ org, params, store, page }: MethodContext) {
  const propertyId = intParam(params, 'propertyId', true);
  if (!store.propertyOf(org.org, propertyId))
    throw new EntrataError('invalidParams', `Unknown propertyId ${propertyId}.`);
  const leadId = intParam(params, 'leadId');
  const createdFrom = parseUsDate(params.createdOnDateFrom, 'createdOnDateFrom');
  const createdTo = parseUsDate(params.createdOnDateTo, 'createdOnDateTo');
  const updatedFrom = parseUsDate(params.fromDate, 'fromDate');
  const updatedTo = parseUsDate(params.toDate, 'toDate');
  const prospects = store.applicationsOf(org.org, propertyId).filter((a) => {
    const created = dayKey(a.createdOn);
    const updated = dayKey(a.updatedOn);
    return (
      (leadId === undefined || a.applicationId === leadId) &&
      (!createdFrom || created >= createdFrom) &&
      (!createdTo || created <= createdTo) &&
      (!updatedFrom || updated >= updatedFrom) &&
      (!updatedTo || updated <= updatedTo)
    );
  });
  // NOT DOCUMENTED: no match (or a page past the end) assumed to be an empty list, not an error.
  return { prospects: { prospect: pageOf(prospects, page).map(prospectView) } };
}
