import {
  type Application,
  type Customer,
  type CustomerType,
  DEFAULT_FILE_TYPES,
  type EntrataStore,
  type FileType,
  type Org,
  type Phones,
  type Property,
} from './store.ts';

/** What the scenario API needs to know to create an applicant in the fake Entrata. */
export interface ApplicantInput {
  firstName: string;
  lastName: string;
  email?: string;
  phones?: Phones;
  customerType: CustomerType;
  relationshipName?: string;
}

/** A scenario request that cannot be done; `statusCode` is what fastify's error handler answers with. */
export class ScenarioError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

const DEFAULT_RELATIONSHIP: Record<CustomerType, string> = {
  Primary: 'Primary',
  'Co-Applicant': 'Roommate',
  Guarantor: 'Guarantor',
  Occupant: 'Child',
};

export function requireOrg(store: EntrataStore, orgName: string): Org {
  const org = store.orgs.get(orgName);
  if (!org) throw new ScenarioError(404, `Unknown org "${orgName}".`);
  return org;
}

/** An applicant submits an application: Entrata then holds a lead, an application and a lease record. */
export function createApplication(
  store: EntrataStore,
  org: Org,
  input: { propertyId: number; applicants: ApplicantInput[]; status?: string; createdOn?: Date },
): Application {
  if (!store.propertyOf(org.org, input.propertyId)) {
    throw new ScenarioError(404, `Property ${input.propertyId} does not belong to org "${org.org}".`);
  }
  const primaries = input.applicants.filter((a) => a.customerType === 'Primary').length;
  if (primaries !== 1)
    throw new ScenarioError(400, `An application needs exactly one Primary applicant, got ${primaries}.`);
  const now = input.createdOn ?? new Date();
  const customers: Customer[] = input.applicants.map((a) => ({
    customerId: store.nextId('customer'),
    firstName: a.firstName,
    lastName: a.lastName,
    ...(a.email ? { email: a.email } : {}),
    phones: { ...a.phones },
    customerType: a.customerType,
    relationshipName: a.relationshipName ?? DEFAULT_RELATIONSHIP[a.customerType],
  }));
  const application: Application = {
    applicationId: store.nextId('application'),
    leaseId: store.nextId('lease'),
    org: org.org,
    propertyId: input.propertyId,
    status: input.status ?? 'Application Completed',
    createdOn: now,
    updatedOn: now,
    customers,
  };
  store.applications.set(application.applicationId, application);
  return application;
}

export function requireApplication(store: EntrataStore, org: Org, applicationId: number): Application {
  const application = store.applications.get(applicationId);
  if (!application || application.org !== org.org) {
    throw new ScenarioError(404, `Application ${applicationId} not found in org "${org.org}".`);
  }
  return application;
}

/** Leasing staff edit a contact in Entrata. `null` removes a value (an absent email is an absent key). */
export function updateCustomer(
  application: Application,
  customerId: number,
  patch: {
    firstName?: string;
    lastName?: string;
    email?: string | null;
    phones?: { [K in keyof Phones]?: string | null };
  },
): Customer {
  const customer = application.customers.find((c) => c.customerId === customerId);
  if (!customer)
    throw new ScenarioError(
      404,
      `Customer ${customerId} is not on application ${application.applicationId}.`,
    );
  if (patch.firstName !== undefined) customer.firstName = patch.firstName;
  if (patch.lastName !== undefined) customer.lastName = patch.lastName;
  if (patch.email === null) delete customer.email;
  else if (patch.email !== undefined) customer.email = patch.email;
  for (const [kind, value] of Object.entries(patch.phones ?? {}) as [
    keyof Phones,
    string | null | undefined,
  ][]) {
    if (value === null) delete customer.phones[kind];
    else if (value !== undefined) customer.phones[kind] = value;
  }
  application.updatedOn = new Date();
  return customer;
}

export interface PropertyInput {
  propertyId?: number;
  name: string;
  address: { street: string; city: string; state: string; zip: string };
}

export interface OrgInput {
  tenantId: string;
  name?: string;
  apiKey: string;
  basicAuth?: { username: string; password: string };
  webhook?: {
    mode?: 'hmac' | 'basic';
    secret?: string;
    username?: string;
    password?: string;
    url?: string;
    enabled?: boolean;
  };
  ingestBaseUrl?: string;
  rateLimitPerMinute?: number;
  fileTypes?: FileType[];
  documentVisibilityDelayMs?: number;
  properties?: PropertyInput[];
}

/** Creates or replaces an org (keeping its applications and properties), then adds the listed properties. */
export function upsertOrg(store: EntrataStore, orgName: string, input: OrgInput): Org {
  const mode = input.webhook?.mode ?? 'hmac';
  if (mode === 'hmac' && !input.webhook?.secret)
    throw new ScenarioError(400, 'webhook.secret is required in hmac mode.');
  if (mode === 'basic' && (!input.webhook?.username || !input.webhook?.password)) {
    throw new ScenarioError(400, 'webhook.username and webhook.password are required in basic mode.');
  }
  const org: Org = {
    org: orgName,
    tenantId: input.tenantId,
    name: input.name ?? orgName,
    apiKey: input.apiKey,
    ...(input.basicAuth ? { basicAuth: input.basicAuth } : {}),
    webhook: { ...input.webhook, mode, enabled: input.webhook?.enabled ?? true },
    ...(input.ingestBaseUrl ? { ingestBaseUrl: input.ingestBaseUrl } : {}),
    rateLimitPerMinute: input.rateLimitPerMinute ?? 150,
    fileTypes: input.fileTypes ?? DEFAULT_FILE_TYPES.map((t) => ({ ...t })),
    documentVisibilityDelayMs: input.documentVisibilityDelayMs ?? 0,
  };
  store.orgs.set(orgName, org);
  for (const property of input.properties ?? []) addProperty(store, org, property);
  return org;
}

/** Adds a property, or replaces it when the id is given and already belongs to the org. */
export function addProperty(store: EntrataStore, org: Org, input: PropertyInput): Property {
  if (input.propertyId !== undefined) {
    const existing = store.properties.get(input.propertyId);
    if (existing && existing.org !== org.org) {
      throw new ScenarioError(409, `Property ${input.propertyId} belongs to org "${existing.org}".`);
    }
  }
  const property: Property = {
    propertyId: input.propertyId ?? store.nextId('property'),
    org: org.org,
    name: input.name,
    address: input.address,
  };
  store.properties.set(property.propertyId, property);
  return property;
}
