import Type from 'typebox';
import {
  asId,
  asText,
  IdLike,
  optional,
  prefixed,
  type ShapeProblem,
  shape,
  TextLike,
  unwrapList,
} from './tolerant.ts';

export interface EntrataLeaseCustomer {
  customerId: string;
  /** Entrata's role name as sent (e.g. Primary, Co-Applicant, Guarantor, Occupant); mapping is the caller's job. */
  customerType: string;
  relationshipName?: string;
  firstName?: string;
  lastName?: string;
}

export interface EntrataLease {
  leaseId?: string;
  /** Not in the published r2 model; kept when a response carries it so a lease of another application is dropped. */
  applicationId?: string;
  customers: EntrataLeaseCustomer[];
}

type Obj = Record<string, unknown>;

// leases/getLeases r2: the published model keys a lease's customer by `id` (an integer); `customerId` is
// accepted too. `customerType` is a string in the model, but getCustomers sends its CustomerType as an array on
// the wire (["Guarantor"]), so a one-element array is accepted here as well.
const RawLeaseCustomer = Type.Object({
  customerId: Type.Optional(IdLike),
  id: Type.Optional(IdLike),
  customerType: Type.Union([TextLike, Type.Array(TextLike)]),
  relationshipName: Type.Optional(TextLike),
  firstName: Type.Optional(TextLike),
  lastName: Type.Optional(TextLike),
});
const RawLease = Type.Object({
  leaseId: Type.Optional(IdLike),
  id: Type.Optional(IdLike),
  applicationId: Type.Optional(Type.Union([IdLike, Type.Null()])),
  customers: Type.Optional(
    Type.Union([Type.Object({}), Type.Array(Type.Unknown()), Type.Null(), Type.Literal('')]),
  ),
});
const leasesShape = shape(
  // Shallow on purpose: items are checked one by one so a problem is reported with its exact path.
  Type.Union([
    Type.Object({
      leases: Type.Optional(
        Type.Union([Type.Object({}), Type.Array(Type.Unknown()), Type.Null(), Type.Literal('')]),
      ),
    }),
    Type.Array(Type.Unknown(), { maxItems: 0 }),
    Type.Null(),
  ]),
);
const leaseShape = shape(RawLease);
const leaseCustomerShape = shape(RawLeaseCustomer);

/** One role from a string or an array of them; undefined when absent or when the array names several roles. */
function customerTypeOf(value: unknown): string | undefined {
  if (!Array.isArray(value)) return asText(value);
  const types = [...new Set(value.map(asText).filter((t): t is string => t !== undefined))];
  return types.length === 1 ? types[0] : undefined;
}

export function parseLeasesResult(
  result: unknown,
): { leases: EntrataLease[] } | { problems: ShapeProblem[] } {
  const top = leasesShape.problems(result);
  if (top.length > 0) return { problems: top };
  const problems: ShapeProblem[] = [];
  const leases: EntrataLease[] = [];
  for (const [i, rawLease] of unwrapList((result as Obj | null)?.leases, 'lease').entries()) {
    const at = `/leases/lease/${i}`;
    const lp = leaseShape.problems(rawLease);
    if (lp.length > 0) {
      problems.push(...prefixed(lp, at));
      continue;
    }
    const raw = rawLease as Obj;
    const customers: EntrataLeaseCustomer[] = [];
    for (const [j, rawCustomer] of unwrapList(raw.customers, 'customer').entries()) {
      const cat = `${at}/customers/customer/${j}`;
      const cp = leaseCustomerShape.problems(rawCustomer);
      if (cp.length > 0) {
        problems.push(...prefixed(cp, cat));
        continue;
      }
      const c = rawCustomer as Obj;
      const customerId = asId(c.customerId) ?? asId(c.id);
      const customerType = customerTypeOf(c.customerType);
      if (!customerId || !customerType) {
        const field = customerId ? 'customerType' : 'customerId';
        const message = customerId
          ? `customerType must name one role (got ${JSON.stringify(c.customerType)})`
          : 'customerId is required';
        problems.push({ path: `${cat}/${field}`, message });
        continue;
      }
      customers.push({
        customerId,
        customerType,
        ...optional('relationshipName', asText(c.relationshipName)),
        ...optional('firstName', asText(c.firstName)),
        ...optional('lastName', asText(c.lastName)),
      });
    }
    leases.push({
      ...optional('leaseId', asId(raw.leaseId) ?? asId(raw.id)),
      ...optional('applicationId', asId(raw.applicationId)),
      customers,
    });
  }
  return problems.length > 0 ? { problems } : { leases };
}
