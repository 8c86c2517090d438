import { describe, expect, it } from 'vitest';
import { EXTERNAL_ID_LINK, crmAccountIdOf, mapOrganization, mapSatisfaction, mapTicket, referencedUserIds } from './mapping.js';
import { zdTicketSchema, type ZdTicket, type ZdUser } from './types.js';

const ticket = (over: Partial<ZdTicket> = {}): ZdTicket =>
  zdTicketSchema.parse({
    id: 35436,
    subject: 'Help, my printer is on fire!',
    status: 'open',
    priority: 'high',
    type: 'incident',
    requester_id: 20978392,
    assignee_id: 235323,
    organization_id: 509974,
    created_at: '2009-07-20T22:55:29Z',
    updated_at: '2011-05-05T10:38:52Z',
    satisfaction_rating: { score: 'good', comment: 'Great support!', id: 1234 },
    ...over,
  });

const users = new Map<number, ZdUser>([
  [20978392, { id: 20978392, name: 'Requester Person', email: 'req@example.com' }],
  [235323, { id: 235323, name: 'Agent Smith', email: null }],
]);

describe('zendesk mapping', () => {
  it('maps an organization: external id → CRM account id, domains lower-cased', () => {
    expect(
      mapOrganization({ id: 35436, name: 'One Organization', external_id: ' ABC123 ', domain_names: ['Example.com', 'test.com'], created_at: '2009-07-20T22:55:29Z' }, EXTERNAL_ID_LINK),
    ).toEqual({ id: '35436', name: 'One Organization', crmAccountId: 'ABC123', domains: ['example.com', 'test.com'], createdAt: '2009-07-20T22:55:29Z' });
    expect(mapOrganization({ id: 1, name: 'x', external_id: '', domain_names: null, created_at: 't' }, EXTERNAL_ID_LINK)).toMatchObject({ crmAccountId: null, domains: [] });
  });

  it('maps an organization by a custom link field: organization_fields[key] is the CRM account id, external_id is ignored', () => {
    const org = { id: 7, name: 'Acme', external_id: 'EXT-1', domain_names: [], created_at: 't', organization_fields: { region: 'emea', salesforce_account_id: ' 001A000001abcdeFGH ' } };
    const link = { kind: 'custom', key: 'salesforce_account_id' } as const;
    expect(mapOrganization(org, link).crmAccountId).toBe('001A000001abcdeFGH');
    // keys compare without case, as the field check does
    expect(crmAccountIdOf(org, { kind: 'custom', key: 'Salesforce_Account_Id' })).toBe('001A000001abcdeFGH');
    // an empty, non-text or absent value links nothing; nor does a link that is off (null)
    expect(crmAccountIdOf({ ...org, organization_fields: { salesforce_account_id: '' } }, link)).toBeNull();
    expect(crmAccountIdOf({ ...org, organization_fields: { salesforce_account_id: 12345 } }, link)).toBeNull();
    expect(crmAccountIdOf({ ...org, organization_fields: null }, link)).toBeNull();
    expect(mapOrganization(org, null).crmAccountId).toBeNull();
    expect(mapOrganization(org, EXTERNAL_ID_LINK).crmAccountId).toBe('EXT-1');
  });

  it('maps a ticket: enums upper-cased, people resolved, ids as strings', () => {
    expect(mapTicket(ticket(), users)).toEqual({
      id: '35436',
      subject: 'Help, my printer is on fire!',
      status: 'OPEN',
      priority: 'HIGH',
      type: 'INCIDENT',
      requester: { id: '20978392', name: 'Requester Person', email: 'req@example.com' },
      assignee: { id: '235323', name: 'Agent Smith', email: null },
      createdAt: '2009-07-20T22:55:29Z',
      updatedAt: '2011-05-05T10:38:52Z',
      satisfaction: 'GOOD',
    });
  });

  it.each([
    ['new', 'NEW'],
    ['pending', 'PENDING'],
    ['hold', 'HOLD'],
    ['solved', 'SOLVED'],
    ['closed', 'CLOSED'],
  ] as const)('maps status %s → %s', (from, to) => {
    expect(mapTicket(ticket({ status: from }), users).status).toBe(to);
  });

  it('keeps missing priority, type, assignee and deleted requester as null', () => {
    const t = mapTicket(ticket({ priority: null, type: null, assignee_id: null, requester_id: 42, subject: null }), users);
    expect(t).toMatchObject({ priority: null, type: null, assignee: null, requester: null, subject: '' });
  });

  it('counts only given ratings as satisfaction', () => {
    expect(mapSatisfaction({ score: 'bad' })).toBe('BAD');
    expect(mapSatisfaction({ score: 'offered' })).toBeNull();
    expect(mapSatisfaction({ score: 'unoffered' })).toBeNull();
    expect(mapSatisfaction(null)).toBeNull();
    expect(mapSatisfaction(undefined)).toBeNull();
  });

  it('refuses statuses outside Zendesk\'s six categories', () => {
    expect(zdTicketSchema.safeParse({ ...ticket(), status: 'archived' }).success).toBe(false);
  });

  it('lists the users tickets name, once each', () => {
    expect(referencedUserIds([ticket(), ticket({ assignee_id: null })]).sort()).toEqual([235323, 20978392].sort());
  });
});
