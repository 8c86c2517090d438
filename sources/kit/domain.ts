/**
 * Panorama's own vocabulary. Every source module maps its vendor's payloads into these types in its
 * `mapping.ts`; nothing outside a source module sees a vendor field name.
 */
import type { SourceError, SourceId } from './errors.js';

export type Address = {
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
};

export type Person = { id: string; name: string; email: string | null };

// ---- CRM ------------------------------------------------------------------------------------------
export type CrmAccount = {
  id: string;
  name: string;
  website: string | null;
  phone: string | null;
  industry: string | null;
  tier: string | null;
  billingAddress: Address | null;
  shippingAddress: Address | null;
  owner: Person | null;
  /** The accounting system's customer id, when the CRM holds it (exact link rule). */
  accountingCustomerId: string | null;
  createdAt: string;
  updatedAt: string;
};

export type CrmContact = {
  id: string;
  accountId: string;
  name: string;
  title: string | null;
  email: string | null;
  phone: string | null;
  primary: boolean;
};

export type DealOutcome = 'OPEN' | 'WON' | 'LOST';

export type CrmOpportunity = {
  id: string;
  accountId: string;
  name: string;
  stage: string;
  amount: number | null;
  /** The amount's currency (ISO 4217): the deal's own, or the CRM's one currency; null when the CRM does not say. */
  currency: string | null;
  closeDate: string | null;
  outcome: DealOutcome;
  owner: Person | null;
};

/** A CRM feature whose field is not mapped in this org (off, missing or of the wrong type): shown where it appears. */
export type CrmUnmapped = 'TIER' | 'PRIMARY_CONTACT' | 'ACCOUNTING_ID';

export type CrmCustomer = {
  account: CrmAccount;
  contacts: CrmContact[];
  opportunities: CrmOpportunity[];
  /** Features read without their field; with PRIMARY_CONTACT the earliest-created contact is the primary one. */
  unmapped?: CrmUnmapped[];
};

/** One row of the CRM's account index, for link rules and review. */
export type CrmAccountIndexEntry = Pick<CrmAccount, 'id' | 'name' | 'website' | 'accountingCustomerId'>;

// ---- Accounting -----------------------------------------------------------------------------------
export type InvoiceStatus = 'DRAFT' | 'SENT' | 'PARTIALLY_PAID' | 'PAID' | 'OVERDUE';

export type AccountingCustomerRecord = {
  id: string;
  displayName: string;
  companyName: string | null;
  email: string | null;
  phone: string | null;
  billingAddress: Address | null;
  balance: number;
  currency: string;
  active: boolean;
  /** The top-level customer this record is a sub-customer (job) of; null or absent for a top-level customer. */
  parentId?: string | null;
  /** The sub-customer's own name within its top-level customer ("Warehouse" or "Warehouse:Phase 2"). */
  subCustomerName?: string | null;
  /** What this customer and all its sub-customers owe together (the accounting system's own figure). */
  balanceWithSubCustomers?: number;
};

/** The sub-customer (job) an invoice or payment was made out to, when it is not the customer itself. */
export type SubCustomerRef = { id: string; name: string };

export type Invoice = {
  id: string;
  customerId: string;
  number: string | null;
  date: string;
  dueDate: string | null;
  total: number;
  balance: number;
  currency: string;
  status: InvoiceStatus;
  daysOverdue: number;
  sent: boolean;
  memo: string | null;
  /** Set when the invoice is on one of the customer's sub-customers (jobs). */
  subCustomer?: SubCustomerRef | null;
};

export type Payment = {
  id: string;
  customerId: string;
  date: string;
  amount: number;
  currency: string;
  invoiceIds: string[];
  /** Set when the payment came in on one of the customer's sub-customers (jobs). */
  subCustomer?: SubCustomerRef | null;
};

export type AccountingCustomer = {
  customer: AccountingCustomerRecord;
  /** The customer's own invoices and payments, and those of its sub-customers (each says which). */
  invoices: Invoice[];
  payments: Payment[];
  /** Its sub-customers (jobs), at any depth, each with its own balance. */
  subCustomers?: AccountingCustomerRecord[];
};

// ---- Projects -------------------------------------------------------------------------------------
export type ProjectStatus = 'ON_TRACK' | 'AT_RISK' | 'OFF_TRACK' | 'ON_HOLD' | 'COMPLETE' | 'UNKNOWN';

export type Milestone = {
  id: string;
  projectId: string;
  name: string;
  dueOn: string | null;
  completed: boolean;
  completedAt: string | null;
};

export type Project = {
  id: string;
  name: string;
  owner: Person | null;
  status: ProjectStatus;
  statusText: string | null;
  dueOn: string | null;
  startOn: string | null;
  createdAt: string;
  archived: boolean;
  /** The CRM account id held in the project's custom field (exact link rule). */
  crmAccountId: string | null;
  taskCount: number;
  completedTaskCount: number;
  overdueTaskCount: number;
  milestones: Milestone[];
};

/** A projects feature read without its field (off, missing or of the wrong type): said on the section. */
export type ProjectsUnmapped = 'ACCOUNT_ID';

export type ProjectsCustomer = {
  projects: Project[];
  /** With ACCOUNT_ID no project is linked by id: the section shows projects linked by name only. */
  unmapped?: ProjectsUnmapped[];
};

/** One row of the projects index, for link rules and review, and enough of the project for a list's summary. */
export type ProjectIndexRow = Pick<Project, 'id' | 'name' | 'crmAccountId' | 'archived' | 'createdAt' | 'status' | 'statusText' | 'dueOn'>;

/** A customer's projects in a few figures, from the project index alone (no per-project request). */
export type ProjectSummary = {
  /** Projects linked to the customer, archived ones included. */
  total: number;
  /** Neither archived nor complete. */
  active: number;
  /** Projects per status (statuses with none left out), worst first. */
  byStatus: { status: ProjectStatus; count: number }[];
  /** The worst status among active projects (OFF_TRACK → AT_RISK → ON_HOLD → UNKNOWN → ON_TRACK); COMPLETE when none is active. */
  worstStatus: ProjectStatus | null;
  /** The earliest due date of an active project (may be past). */
  nextDueOn: string | null;
  projectIds: string[];
};

// ---- Support --------------------------------------------------------------------------------------
export type TicketStatus = 'NEW' | 'OPEN' | 'PENDING' | 'HOLD' | 'SOLVED' | 'CLOSED';
export type TicketPriority = 'URGENT' | 'HIGH' | 'NORMAL' | 'LOW';
export type TicketType = 'PROBLEM' | 'INCIDENT' | 'QUESTION' | 'TASK';

export type Ticket = {
  id: string;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority | null;
  type: TicketType | null;
  requester: Person | null;
  assignee: Person | null;
  createdAt: string;
  updatedAt: string;
  satisfaction: 'GOOD' | 'BAD' | null;
};

export type SupportOrganization = {
  id: string;
  name: string;
  /** The CRM account id held as the organization's external id (exact link rule). */
  crmAccountId: string | null;
  domains: string[];
  createdAt: string;
};

export type SupportCustomer = { organization: SupportOrganization; tickets: Ticket[] };

/** An urgent open ticket with the organization (and CRM account) it belongs to. */
export type UrgentTicket = { ticket: Ticket; organizationId: string | null; crmAccountId: string | null };
export type UrgentTickets = { tickets: UrgentTicket[]; total: number; truncated: boolean };

// ---- Provenance -----------------------------------------------------------------------------------
/** Where a piece of data came from and how old it is; every section carries one. */
export type Freshness = {
  source: SourceId;
  fetchedAt: string;
  fromCache: boolean;
  stale: boolean;
  /** When the source failed and an older cached value was served instead: why. */
  error: SourceError | null;
  /** With `error`: since when (ISO) the source has been failing, from its first failed call on. */
  failingSince?: string;
};

export type Fetched<T> = { value: T; freshness: Freshness };
