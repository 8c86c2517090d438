import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  sandboxCompactSchema,
  sandboxCustomFieldSchema,
  sandboxProjectSchema,
  sandboxTaskSchema,
  sandboxUserSchema as asanaUserSchema,
  sandboxWorkspaceSchema,
} from '../asana/sandbox/records.js';
import { sandboxQboCustomerSchema, sandboxQboInvoiceSchema, sandboxQboPaymentSchema } from '../quickbooks/sandbox/records.js';
import {
  sandboxSfAccountSchema,
  sandboxSfContactSchema,
  sandboxSfOpportunitySchema,
  sandboxSfUserSchema,
} from '../salesforce/sandbox/records.js';
import { sandboxOrganizationSchema, sandboxTicketSchema, sandboxUserSchema as zendeskUserSchema } from '../zendesk/sandbox/records.js';
import { generateWorld } from './dataset.js';

/**
 * Each module's sandbox records are described once, by its schemas (built on the client's): every record the
 * dataset generates parses with them, strictly, so no record carries a field its module's schema does not name.
 */
describe('the sandbox dataset conforms to the modules’ record schemas', () => {
  const world = generateWorld({ seed: 5, size: 120, today: '2026-03-01' });

  const sets: [string, z.ZodTypeAny, unknown[]][] = [
    ['salesforce users', sandboxSfUserSchema, world.salesforce.users],
    ['salesforce accounts', sandboxSfAccountSchema, world.salesforce.accounts],
    ['salesforce contacts', sandboxSfContactSchema, world.salesforce.contacts],
    ['salesforce opportunities', sandboxSfOpportunitySchema, world.salesforce.opportunities],
    ['quickbooks customers', sandboxQboCustomerSchema, world.quickbooks.customers],
    ['quickbooks invoices', sandboxQboInvoiceSchema, world.quickbooks.invoices],
    ['quickbooks payments', sandboxQboPaymentSchema, world.quickbooks.payments],
    ['asana workspace', sandboxWorkspaceSchema, [world.asana.workspace]],
    ['asana team', sandboxCompactSchema, [world.asana.team]],
    ['asana users', asanaUserSchema, world.asana.users],
    ['asana account field', sandboxCustomFieldSchema, [world.asana.accountField]],
    ['asana projects', sandboxProjectSchema, world.asana.projects],
    ['asana tasks', sandboxTaskSchema, world.asana.tasks],
    ['zendesk organizations', sandboxOrganizationSchema, world.zendesk.organizations],
    ['zendesk users', zendeskUserSchema, world.zendesk.users],
    ['zendesk tickets', sandboxTicketSchema, world.zendesk.tickets],
  ];

  it.each(sets)('%s', (_what, schema, records) => {
    expect(records.length).toBeGreaterThan(0);
    const problems = records.flatMap((r, i) => {
      const parsed = schema.safeParse(r);
      return parsed.success ? [] : [`#${i}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`];
    });
    expect(problems.slice(0, 3)).toEqual([]);
  });

  it('refuses a record with a field its schema does not name', () => {
    const account = { ...world.salesforce.accounts[0]!, Region__c: 'EMEA' };
    expect(sandboxSfAccountSchema.safeParse(account).success).toBe(false);
    const ticket = { ...world.zendesk.tickets[0]!, status: 'archived' };
    expect(sandboxTicketSchema.safeParse(ticket).success).toBe(false);
  });
});
