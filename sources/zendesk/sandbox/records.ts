import { z } from 'zod';
import { zdOrganizationSchema, zdTicketSchema, zdUserSchema } from '../types.js';

/**
 * The sandbox's Zendesk records: the client's schemas (types.ts) extended with the fields the sandbox stores
 * and serves but Panorama does not read. Strict, so a record holding a field no schema names fails the
 * dataset's conformance test.
 */
const audit = { created_at: z.string(), updated_at: z.string() };

export const sandboxOrganizationSchema = zdOrganizationSchema
  .extend({
    url: z.string(),
    domain_names: z.array(z.string()),
    details: z.string().nullable(),
    notes: z.string().nullable(),
    group_id: z.number().int().nullable(),
    shared_tickets: z.boolean(),
    shared_comments: z.boolean(),
    tags: z.array(z.string()),
    organization_fields: z.record(z.unknown()),
    ...audit,
  })
  .strict();

export const sandboxUserSchema = zdUserSchema
  .extend({
    url: z.string(),
    email: z.string(),
    role: z.enum(['end-user', 'agent', 'admin']),
    organization_id: z.number().int().nullable(),
    phone: z.string().nullable(),
    active: z.boolean(),
    verified: z.boolean(),
    time_zone: z.string(),
    locale: z.string(),
    ...audit,
  })
  .strict();

const ids = z.array(z.number().int());

export const sandboxTicketSchema = zdTicketSchema
  .extend({
    url: z.string(),
    external_id: z.string().nullable(),
    subject: z.string(),
    raw_subject: z.string(),
    description: z.string(),
    recipient: z.string().nullable(),
    requester_id: z.number().int(),
    submitter_id: z.number().int(),
    group_id: z.number().int().nullable(),
    collaborator_ids: ids,
    follower_ids: ids,
    email_cc_ids: ids,
    has_incidents: z.boolean(),
    is_public: z.boolean(),
    due_at: z.string().nullable(),
    tags: z.array(z.string()),
    custom_fields: z.array(z.object({ id: z.number().int(), value: z.unknown() }).strict()),
    satisfaction_rating: z.object({ score: z.enum(['offered', 'unoffered', 'good', 'bad']) }).strict().nullable(),
    via: z.object({ channel: z.string() }).strict(),
  })
  .strict();

export type ZdOrganization = z.infer<typeof sandboxOrganizationSchema>;
export type ZdUser = z.infer<typeof sandboxUserSchema>;
export type ZdTicket = z.infer<typeof sandboxTicketSchema>;

export type ZendeskData = { organizations: ZdOrganization[]; users: ZdUser[]; tickets: ZdTicket[] };
