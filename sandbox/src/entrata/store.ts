/**
 * Entrata's data model as far as this integration sees it: an org (Entrata customer, the `{org}` subdomain)
 * has API credentials, properties, applications (a lead with an application and a lease record) whose
 * applicants are "customers" with a role, and documents uploaded to an application.
 */

export type CustomerType = 'Primary' | 'Co-Applicant' | 'Guarantor' | 'Occupant';

/** A document (file) type as getLeasePickList lists it; `systemCode` only on Entrata's built-in types. */
export interface FileType {
  id: string;
  name: string;
  systemCode?: string;
}

export interface WebhookConfig {
  /** `hmac`: `X-Entrata-Signature: t=..,v1=..`; `basic`: HTTP Basic auth. Our choice: Entrata's is not public. */
  mode: 'hmac' | 'basic';
  secret?: string;
  username?: string;
  password?: string;
  /** Full URL; default `{ingestBaseUrl}/webhooks/entrata/{tenantId}`. */
  url?: string;
  enabled: boolean;
}

export interface Org {
  org: string;
  tenantId: string;
  name: string;
  apiKey: string;
  /** Credentials for the legacy `{org}.entrata.com/api/v1` form; absent = legacy form refused. */
  basicAuth?: { username: string; password: string };
  webhook: WebhookConfig;
  ingestBaseUrl?: string;
  rateLimitPerMinute: number;
  fileTypes: FileType[];
  /** Real Entrata may not list a just-uploaded file at once; this simulates that lag. */
  documentVisibilityDelayMs: number;
}

export interface Property {
  propertyId: number;
  org: string;
  name: string;
  address: { street: string; city: string; state: string; zip: string };
}

export interface Phones {
  personal?: string;
  cell?: string;
  office?: string;
  fax?: string;
}

export interface Customer {
  customerId: number;
  firstName: string;
  lastName: string;
  email?: string;
  phones: Phones;
  customerType: CustomerType;
  relationshipName: string;
}

/**
 * One id for the application and its lead: getLeads is asked by `leadId`, "the number Entrata also shows as the
 * application id" (domain.md), and its prospects carry that number as `applicationId`.
 */
export interface Application {
  applicationId: number;
  leaseId: number;
  org: string;
  propertyId: number;
  status: string;
  createdOn: Date;
  updatedOn: Date;
  customers: Customer[];
}

export interface LeaseDocument {
  fileId: number;
  org: string;
  propertyId: number;
  applicationId: number;
  leaseId: number;
  customerIds: number[];
  fileName: string;
  fileTypeId: string;
  fileTypeName: string;
  isShowInResidentPortal: boolean;
  size: number;
  bytes: Buffer;
  addedOn: Date;
}

/**
 * File types differ per customer (domain.md: e.g. a "Proof of Income" or "Applicant Identification" type the
 * customer made, so without a systemCode). NOT DOCUMENTED: Entrata's built-in types and their system codes;
 * the two below stand for them.
 */
export const DEFAULT_FILE_TYPES: FileType[] = [
  { id: '7001', name: 'Proof of Income' },
  { id: '7002', name: 'Applicant Identification' },
  { id: '41', name: 'Lease Document', systemCode: 'LEASE' },
  { id: '42', name: 'Other', systemCode: 'OTHER' },
];

/** Entrata ids are integers; starting points look like real ones and keep the kinds apart when read. */
const ID_START = {
  property: 100016881,
  application: 2_000_001,
  lease: 4_000_001,
  customer: 5_000_001,
  file: 9_000_001,
};

export class EntrataStore {
  readonly orgs = new Map<string, Org>();
  readonly properties = new Map<number, Property>();
  readonly applications = new Map<number, Application>();
  readonly documents: LeaseDocument[] = [];
  private next = { ...ID_START };

  nextId(kind: keyof typeof ID_START): number {
    return this.next[kind]++;
  }

  reset(): void {
    this.orgs.clear();
    this.properties.clear();
    this.applications.clear();
    this.documents.length = 0;
    this.next = { ...ID_START };
  }

  propertyOf(org: string, propertyId: number): Property | undefined {
    const property = this.properties.get(propertyId);
    return property?.org === org ? property : undefined;
  }

  applicationsOf(org: string, propertyId: number): Application[] {
    return [...this.applications.values()].filter((a) => a.org === org && a.propertyId === propertyId);
  }

  /** Finds an application of a property by any of the ids Entrata accepts for it. */
  findApplication(
    org: string,
    propertyId: number,
    ids: { applicationId?: number; leaseId?: number; applicantId?: number },
  ): Application | undefined {
    return this.applicationsOf(org, propertyId).find(
      (a) =>
        (ids.applicationId === undefined || a.applicationId === ids.applicationId) &&
        (ids.leaseId === undefined || a.leaseId === ids.leaseId) &&
        // In this sandbox an applicant id is the customer id of that applicant.
        (ids.applicantId === undefined || a.customers.some((c) => c.customerId === ids.applicantId)),
    );
  }

  documentsOf(applicationId: number): LeaseDocument[] {
    return this.documents.filter((d) => d.applicationId === applicationId);
  }

  documentsOfProperty(org: string, propertyId: number): LeaseDocument[] {
    return this.documents.filter((d) => d.org === org && d.propertyId === propertyId);
  }
}
