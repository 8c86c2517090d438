/**
 * Zod schemas of the Zendesk Support API payloads Panorama reads (shapes from Zendesk's published OpenAPI spec,
 * `OrganizationObject`, `TicketObject`, `UserForAdmin`/`UserForEndUser`, `SearchResponse`, `Pagination`).
 * Required fields are the ones mapping relies on, so a renamed or missing one is caught as INVALID_RESPONSE;
 * everything else passes through untouched.
 */
import { z } from 'zod';

export const zdOrganizationSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    // Required (nullable) on purpose: it is the link to the CRM account, and a silently missing key would make
    // every customer look unlinked.
    external_id: z.string().nullable(),
    domain_names: z.array(z.string()).nullish(),
    // Custom organization fields by key (OrganizationObject.organization_fields); the CRM account id lives in one
    // when ZENDESK_ORGANIZATION_LINK_FIELD names its key. Values are typed by the field (text: a string or null).
    organization_fields: z.record(z.unknown()).nullish(),
    created_at: z.string(),
  })
  .passthrough();
export type ZdOrganization = z.infer<typeof zdOrganizationSchema>;

export const zdUserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string().nullish(),
  })
  .passthrough();
export type ZdUser = z.infer<typeof zdUserSchema>;

export const ZD_TICKET_STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'] as const;
export const ZD_TICKET_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export const ZD_TICKET_TYPES = ['problem', 'incident', 'question', 'task'] as const;

export const zdTicketSchema = z
  .object({
    id: z.number().int(),
    subject: z.string().nullable(),
    // With custom ticket statuses on, `status` still carries the status category, so the six values hold.
    status: z.enum(ZD_TICKET_STATUSES),
    priority: z.enum(ZD_TICKET_PRIORITIES).nullable(),
    type: z.enum(ZD_TICKET_TYPES).nullable(),
    requester_id: z.number().int().nullable(),
    assignee_id: z.number().int().nullable(),
    organization_id: z.number().int().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    // Absent when satisfaction ratings are off for the account.
    satisfaction_rating: z.object({ score: z.string() }).passthrough().nullish(),
  })
  .passthrough();
export type ZdTicket = z.infer<typeof zdTicketSchema>;

/** Offset-paginated list fields (`OffsetPaginationObject`). */
const offsetPage = {
  next_page: z.string().nullable(),
  previous_page: z.string().nullable(),
  count: z.number().int(),
};

/** Cursor-paginated list fields (`Pagination`). */
const cursorPage = {
  meta: z.object({
    has_more: z.boolean(),
    after_cursor: z.string().nullable(),
    before_cursor: z.string().nullable(),
  }),
  links: z.object({ next: z.string().nullable(), prev: z.string().nullable() }),
};

export const organizationResponseSchema = z.object({ organization: zdOrganizationSchema }).passthrough();

export const organizationsCursorPageSchema = z
  .object({ organizations: z.array(zdOrganizationSchema), ...cursorPage })
  .passthrough();
export type ZdOrganizationsCursorPage = z.infer<typeof organizationsCursorPageSchema>;

/**
 * GET /api/v2/incremental/organizations?start_time=<unix> (ExportIncrementalOrganizationsResponse): the
 * organizations changed at or after start_time, oldest first, up to 1000 a page; a deleted one carries
 * `deleted_at`. `end_time` is where the next export starts; `end_of_stream` says this page reached the present.
 */
export const incrementalOrganizationsSchema = z
  .object({
    organizations: z.array(zdOrganizationSchema.extend({ deleted_at: z.string().nullish() })),
    count: z.number().int(),
    end_of_stream: z.boolean(),
    end_time: z.number().int().nullable(),
    next_page: z.string().nullable(),
  })
  .passthrough();
export type ZdIncrementalOrganizations = z.infer<typeof incrementalOrganizationsSchema>;

/** show_many and organizations/search answer with the plain list (no pagination object is needed). */
export const organizationsResponseSchema = z.object({ organizations: z.array(zdOrganizationSchema) }).passthrough();

export const usersResponseSchema = z.object({ users: z.array(zdUserSchema) }).passthrough();

/** tickets/show_many and organizations/:id/tickets, optionally with `include=users`. */
export const ticketsResponseSchema = z
  .object({ tickets: z.array(zdTicketSchema), users: z.array(zdUserSchema).optional() })
  .passthrough();

export const ticketsPageSchema = ticketsResponseSchema.extend(offsetPage);

const searchEnvelope = {
  ...offsetPage,
  facets: z.unknown().optional(),
  users: z.array(zdUserSchema).optional(),
  organizations: z.array(zdOrganizationSchema).optional(),
};

/** GET /api/v2/search with `type:ticket` (every result is a ticket), sideloads `include=tickets(users,…)`. */
export const ticketSearchSchema = z
  .object({
    results: z.array(zdTicketSchema.extend({ result_type: z.literal('ticket') })),
    ...searchEnvelope,
  })
  .passthrough();
export type ZdTicketSearch = z.infer<typeof ticketSearchSchema>;

/** GET /api/v2/search with `type:organization`. */
export const organizationSearchSchema = z
  .object({
    results: z.array(zdOrganizationSchema.extend({ result_type: z.literal('organization') })),
    ...searchEnvelope,
  })
  .passthrough();
export type ZdOrganizationSearch = z.infer<typeof organizationSearchSchema>;

/**
 * GET /api/v2/organization_fields (OrganizationFieldsResponse: an array of OrganizationFieldObject, offset-paged
 * by `next_page`, at most 100 a page; sources/zendesk/sandbox/reference/zendesk-support-oas.extract.yaml, trimmed from Zendesk's published OpenAPI). CustomFieldObject
 * requires `key`, `type` and `title`; `type` is one of checkbox, date, decimal, dropdown, integer, lookup,
 * multiselect, regexp, text, textarea. `active: false` fields are not available for use.
 */
export const zdOrganizationFieldSchema = z
  .object({
    id: z.number().int(),
    key: z.string().min(1),
    type: z.string().min(1),
    active: z.boolean().optional(),
  })
  .passthrough();
export type ZdOrganizationField = z.infer<typeof zdOrganizationFieldSchema>;

export const organizationFieldsPageSchema = z
  .object({
    organization_fields: z.array(zdOrganizationFieldSchema),
    next_page: z.string().nullable().optional(),
  })
  .passthrough();

/** The error bodies Zendesk sends: `{error, description}`, `{error: {title, message}}` or `{errors: [{code, title}]}`. */
export const zdErrorBodySchema = z.union([
  z.object({ error: z.string(), description: z.string().optional() }).passthrough(),
  z.object({ error: z.object({ title: z.string(), message: z.string().optional() }).passthrough() }).passthrough(),
  z.object({ errors: z.array(z.object({ code: z.string(), title: z.string().optional() }).passthrough()) }).passthrough(),
]);

/**
 * The user the credentials act as (GET /api/v2/users/me, UserForAdmin): its role ("end-user", "agent", "admin"),
 * role_type (0 custom agent, 1 light agent, 2 chat agent, 3 chat contributor, 4 admin, 5 billing admin; null for an
 * agent or admin of no special type) and ticket_restriction ("organization", "groups", "assigned", "requested", or
 * null for every ticket), read by the credential scope check.
 */
export const zdMeSchema = z
  .object({
    user: z
      .object({
        id: z.number(),
        name: z.string().nullable().optional(),
        email: z.string().nullable().optional(),
        role: z.string(),
        role_type: z.number().nullable().optional(),
        custom_role_id: z.number().nullable().optional(),
        restricted_agent: z.boolean().optional(),
        ticket_restriction: z.string().nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type ZdMe = z.infer<typeof zdMeSchema>['user'];
