/**
 * The sandbox's records, stored in each vendor's own shape (field names as the vendors' APIs spell them),
 * so the handlers can answer exactly as the real APIs do. Nothing outside `sources/` reads these types.
 */

// ---- Salesforce ------------------------------------------------------------------------------------
export type SfRecord = Record<string, unknown> & { Id: string };
export type SfUser = SfRecord & { Name: string; Email: string; Title: string; IsActive: boolean };
export type SfAccount = SfRecord & {
  Name: string;
  Website: string | null;
  Phone: string | null;
  Industry: string | null;
  Type: string;
  Tier__c: string | null;
  BillingStreet: string | null;
  BillingCity: string | null;
  BillingState: string | null;
  BillingPostalCode: string | null;
  BillingCountry: string | null;
  ShippingStreet: string | null;
  ShippingCity: string | null;
  ShippingState: string | null;
  ShippingPostalCode: string | null;
  ShippingCountry: string | null;
  OwnerId: string;
  QuickBooks_Customer_Id__c: string | null;
  CreatedDate: string;
  LastModifiedDate: string;
};
export type SfContact = SfRecord & {
  AccountId: string | null;
  FirstName: string;
  LastName: string;
  Name: string;
  Title: string | null;
  Email: string | null;
  Phone: string | null;
  Primary__c: boolean;
  CreatedDate: string;
  LastModifiedDate: string;
};
export type SfOpportunity = SfRecord & {
  AccountId: string;
  Name: string;
  StageName: string;
  Amount: number | null;
  CloseDate: string;
  IsClosed: boolean;
  IsWon: boolean;
  OwnerId: string;
  CreatedDate: string;
  LastModifiedDate: string;
};

// ---- QuickBooks Online -----------------------------------------------------------------------------
export type QboRef = { value: string; name?: string };
export type QboAddr = {
  Id?: string;
  Line1?: string;
  City?: string;
  CountrySubDivisionCode?: string;
  PostalCode?: string;
  Country?: string;
};
export type QboMeta = { CreateTime: string; LastUpdatedTime: string };
export type QboCustomer = {
  Id: string;
  SyncToken: string;
  MetaData: QboMeta;
  DisplayName: string;
  CompanyName?: string;
  GivenName?: string;
  FamilyName?: string;
  FullyQualifiedName: string;
  PrintOnCheckName: string;
  PrimaryEmailAddr?: { Address: string };
  PrimaryPhone?: { FreeFormNumber: string };
  WebAddr?: { URI: string };
  BillAddr?: QboAddr;
  ShipAddr?: QboAddr;
  Balance: number;
  BalanceWithJobs: number;
  CurrencyRef: QboRef;
  PreferredDeliveryMethod: string;
  Active: boolean;
  Job: boolean;
  BillWithParent: boolean;
  Taxable: boolean;
  domain: 'QBO';
  sparse: boolean;
};
export type QboInvoiceLine = {
  Id?: string;
  LineNum?: number;
  Description?: string;
  Amount: number;
  DetailType: 'SalesItemLineDetail' | 'SubTotalLineDetail';
  SalesItemLineDetail?: { ItemRef: QboRef; UnitPrice: number; Qty: number; TaxCodeRef: QboRef };
  SubTotalLineDetail?: Record<string, never>;
};
export type QboInvoice = {
  Id: string;
  SyncToken: string;
  MetaData: QboMeta;
  DocNumber: string;
  TxnDate: string;
  DueDate: string;
  CustomerRef: QboRef;
  CurrencyRef: QboRef;
  Line: QboInvoiceLine[];
  TotalAmt: number;
  Balance: number;
  EmailStatus: 'NotSet' | 'NeedToSend' | 'EmailSent';
  PrintStatus: 'NotSet' | 'NeedToPrint' | 'PrintComplete';
  BillEmail?: { Address: string };
  BillAddr?: QboAddr;
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  LinkedTxn: { TxnId: string; TxnType: string }[];
  ApplyTaxAfterDiscount: boolean;
  domain: 'QBO';
  sparse: boolean;
};
export type QboPayment = {
  Id: string;
  SyncToken: string;
  MetaData: QboMeta;
  TxnDate: string;
  CustomerRef: QboRef;
  CurrencyRef: QboRef;
  TotalAmt: number;
  UnappliedAmt: number;
  ProcessPayment: boolean;
  Line: { Amount: number; LinkedTxn: { TxnId: string; TxnType: 'Invoice' }[] }[];
  domain: 'QBO';
  sparse: boolean;
};

// ---- Asana -----------------------------------------------------------------------------------------
export type AsanaCompact = { gid: string; resource_type: string; name: string };
export type AsanaUser = AsanaCompact & { resource_type: 'user'; email: string };
export type AsanaCustomField = AsanaCompact & {
  resource_type: 'custom_field';
  resource_subtype: 'text' | 'enum' | 'number';
  type: 'text' | 'enum' | 'number';
  description: string;
};
export type AsanaCustomFieldValue = AsanaCustomField & { text_value: string | null; display_value: string | null };
export type AsanaStatus = {
  gid: string;
  resource_type: 'project_status';
  title: string;
  color: 'green' | 'yellow' | 'red' | 'blue' | 'complete';
  text: string;
  created_at: string;
};
export type AsanaProject = AsanaCompact & {
  resource_type: 'project';
  archived: boolean;
  completed: boolean;
  completed_at: string | null;
  color: string | null;
  created_at: string;
  modified_at: string;
  current_status: AsanaStatus | null;
  current_status_update: { gid: string; resource_type: 'status_update'; title: string; resource_subtype: string } | null;
  due_on: string | null;
  start_on: string | null;
  notes: string;
  owner: AsanaCompact | null;
  permalink_url: string;
  public: boolean;
  workspace: AsanaCompact;
  team: AsanaCompact;
  custom_fields: AsanaCustomFieldValue[];
};
export type AsanaTask = AsanaCompact & {
  resource_type: 'task';
  resource_subtype: 'default_task' | 'milestone';
  completed: boolean;
  completed_at: string | null;
  created_at: string;
  modified_at: string;
  due_on: string | null;
  assignee: AsanaCompact | null;
  projects: AsanaCompact[];
  memberships: { project: AsanaCompact; section: AsanaCompact }[];
  permalink_url: string;
  workspace: AsanaCompact;
  notes: string;
};
export type AsanaWorkspace = AsanaCompact & { resource_type: 'workspace'; is_organization: boolean; email_domains: string[] };

// ---- Zendesk ---------------------------------------------------------------------------------------
export type ZdOrganization = {
  id: number;
  url: string;
  name: string;
  external_id: string | null;
  domain_names: string[];
  details: string | null;
  notes: string | null;
  group_id: number | null;
  shared_tickets: boolean;
  shared_comments: boolean;
  tags: string[];
  organization_fields: Record<string, unknown>;
  created_at: string;
  updated_at: string;
};
export type ZdUser = {
  id: number;
  url: string;
  name: string;
  email: string;
  role: 'end-user' | 'agent' | 'admin';
  organization_id: number | null;
  phone: string | null;
  active: boolean;
  verified: boolean;
  time_zone: string;
  locale: string;
  created_at: string;
  updated_at: string;
};
export type ZdTicket = {
  id: number;
  url: string;
  external_id: string | null;
  type: 'problem' | 'incident' | 'question' | 'task' | null;
  subject: string;
  raw_subject: string;
  description: string;
  priority: 'urgent' | 'high' | 'normal' | 'low' | null;
  status: 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
  recipient: string | null;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  organization_id: number | null;
  group_id: number | null;
  collaborator_ids: number[];
  follower_ids: number[];
  email_cc_ids: number[];
  has_incidents: boolean;
  is_public: boolean;
  due_at: string | null;
  tags: string[];
  custom_fields: { id: number; value: unknown }[];
  satisfaction_rating: { score: 'offered' | 'unoffered' | 'good' | 'bad' } | null;
  via: { channel: string };
  created_at: string;
  updated_at: string;
};

// ---- Planted cases ---------------------------------------------------------------------------------
/** Every case the dataset plants on purpose, for tests to read instead of guessing. */
export type Manifest = {
  seed: number;
  size: number;
  today: string;
  demoUsers: { role: 'support' | 'account_manager' | 'finance' | 'admin'; name: string; email: string; salesforceUserId: string | null }[];
  exactLinks: { accountId: string; system: 'quickbooks' | 'asana' | 'zendesk'; recordId: string }[];
  heuristicLinks: { accountId: string; system: 'quickbooks' | 'asana' | 'zendesk'; recordId: string; rule: 'DOMAIN' | 'NAME' }[];
  ambiguous: { accountId: string; system: 'quickbooks'; candidateIds: string[] }[];
  unlinked: { system: 'salesforce' | 'quickbooks' | 'asana' | 'zendesk'; recordId: string }[];
  conflicts: { accountId: string; field: 'billingAddress' | 'email'; crmValue: string; otherSystem: 'quickbooks'; otherValue: string }[];
  wonDealsWithoutProject: { accountId: string; opportunityId: string; closeDate: string }[];
  milestonesWithoutInvoice: { accountId: string; milestoneId: string; completedAt: string }[];
  onHoldWhilePaidUp: { accountId: string; projectId: string }[];
  overdueWithUrgentTickets: { accountId: string; ticketIds: string[]; overdueBalance: number }[];
  overdueInvoices: { accountId: string | null; invoiceId: string; daysOverdue: number }[];
  urgentOpenTickets: { accountId: string | null; ticketId: string }[];
  trickyNames: { accountId: string; name: string }[];
  /** Accounts with none of the planted cases above: no flag may appear on them. */
  cleanAccountIds: string[];
};

export type World = {
  salesforce: { users: SfUser[]; accounts: SfAccount[]; contacts: SfContact[]; opportunities: SfOpportunity[] };
  quickbooks: { realmId: string; customers: QboCustomer[]; invoices: QboInvoice[]; payments: QboPayment[] };
  asana: {
    workspace: AsanaWorkspace;
    team: AsanaCompact;
    users: AsanaUser[];
    accountField: AsanaCustomField;
    projects: AsanaProject[];
    tasks: AsanaTask[];
  };
  zendesk: { organizations: ZdOrganization[]; users: ZdUser[]; tickets: ZdTicket[] };
  manifest: Manifest;
};
