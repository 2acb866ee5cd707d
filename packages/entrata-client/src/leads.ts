import Type from 'typebox';
import {
  asId,
  asText,
  IdLike,
  optional,
  parseEntrataDate,
  prefixed,
  type ShapeProblem,
  shape,
  TextLike,
  unwrapList,
} from './tolerant.ts';

export interface EntrataCustomer {
  customerId: string;
  firstName: string;
  lastName: string;
  email?: string;
  personalPhoneNumber?: string;
  cellPhoneNumber?: string;
  officePhoneNumber?: string;
  faxPhoneNumber?: string;
}

/**
 * A prospect of leads/getLeads. It carries its `applicationId` but NO `leadId` (real captures and the published
 * model agree): a lead is asked for by `leadId` and recognised by `applicationId`.
 */
export interface EntrataProspect {
  /** Absent for a lead that has no application yet. */
  applicationId?: string;
  status: string;
  /** ISO-8601 UTC; Entrata's Mountain Time converted. Absent when Entrata sent none or an unreadable value. */
  createdOn?: string;
  customers: EntrataCustomer[];
}

// What we rely on, loosely typed as on the wire; everything else passes through unchecked.
const RawCustomer = Type.Object({
  customerId: IdLike,
  firstName: Type.Optional(TextLike),
  lastName: Type.Optional(TextLike),
  email: Type.Optional(TextLike),
  personalPhoneNumber: Type.Optional(TextLike),
  cellPhoneNumber: Type.Optional(TextLike),
  officePhoneNumber: Type.Optional(TextLike),
  faxPhoneNumber: Type.Optional(TextLike),
});

const RawProspect = Type.Object({
  applicationId: Type.Optional(Type.Union([IdLike, Type.Null(), Type.Literal('')])),
  status: Type.Optional(TextLike),
  createdOn: Type.Optional(TextLike),
  customers: Type.Optional(
    Type.Union([Type.Object({}), Type.Array(Type.Unknown()), Type.Null(), Type.Literal('')]),
  ),
});

// Shallow on purpose: items are checked one by one so a problem is reported with its exact path.
const RawLeadsResult = Type.Union([
  Type.Object({
    prospects: Type.Optional(
      Type.Union([Type.Object({}), Type.Array(Type.Unknown()), Type.Null(), Type.Literal('')]),
    ),
  }),
  Type.Array(Type.Unknown(), { maxItems: 0 }),
  Type.Null(),
  Type.Literal(''),
]);

const leadsShape = shape(RawLeadsResult);
const prospectShape = shape(RawProspect);
const customerShape = shape(RawCustomer);

type Obj = Record<string, unknown>;

function normaliseCustomer(raw: Obj): EntrataCustomer {
  return {
    customerId: asId(raw.customerId) as string,
    firstName: asText(raw.firstName) ?? '',
    lastName: asText(raw.lastName) ?? '',
    ...optional('email', asText(raw.email)),
    ...optional('personalPhoneNumber', asText(raw.personalPhoneNumber)),
    ...optional('cellPhoneNumber', asText(raw.cellPhoneNumber)),
    ...optional('officePhoneNumber', asText(raw.officePhoneNumber)),
    ...optional('faxPhoneNumber', asText(raw.faxPhoneNumber)),
  };
}

/**
 * getLeads result -> prospects. Reports every problem with its path (e.g. a customer without customerId)
 * rather than dropping the record: a silently dropped applicant is a lost invite.
 */
export function parseLeadsResult(
  result: unknown,
): { prospects: EntrataProspect[] } | { problems: ShapeProblem[] } {
  const top = leadsShape.problems(result);
  if (top.length > 0) return { problems: top };
  const rawProspects = unwrapList((result as Obj | null)?.prospects, 'prospect');
  const problems: ShapeProblem[] = [];
  const prospects: EntrataProspect[] = [];
  rawProspects.forEach((rawProspect, i) => {
    const at = `/prospects/prospect/${i}`;
    const p = prospectShape.problems(rawProspect);
    if (p.length > 0) {
      problems.push(...prefixed(p, at));
      return;
    }
    const raw = rawProspect as Obj;
    const customers: EntrataCustomer[] = [];
    unwrapList(raw.customers, 'customer').forEach((rawCustomer, j) => {
      const c = customerShape.problems(rawCustomer);
      if (c.length > 0) {
        problems.push(...prefixed(c, `${at}/customers/customer/${j}`));
        return;
      }
      customers.push(normaliseCustomer(rawCustomer as Obj));
    });
    prospects.push({
      ...optional('applicationId', asId(raw.applicationId)),
      status: asText(raw.status) ?? '',
      ...optional('createdOn', parseEntrataDate(raw.createdOn)),
      customers,
    });
  });
  return problems.length > 0 ? { problems } : { prospects };
}
