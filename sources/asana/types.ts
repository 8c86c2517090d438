import { z } from 'zod';

/**
 * Zod schemas of the Asana payloads Panorama reads (components of Asana's OpenAPI spec). Required fields are the
 * ones mapping relies on, so an API that drifted under us is caught at the boundary as INVALID_RESPONSE; unknown
 * fields pass through.
 */

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const asanaErrorBodySchema = z
  .object({
    errors: z.array(z.object({ message: z.string().optional(), help: z.string().optional(), phrase: z.string().optional() }).passthrough()),
  })
  .passthrough();
export type AsanaErrorBody = z.infer<typeof asanaErrorBodySchema>;

export const nextPageSchema = z.object({ offset: z.string().min(1), path: z.string(), uri: z.string() }).passthrough().nullable();

export const compactSchema = z.object({ gid: z.string(), resource_type: z.string().optional(), name: z.string().optional() }).passthrough();

export const workspaceSchema = z.object({ gid: z.string(), name: z.string() }).passthrough();

/**
 * A workspace membership (GET /users/{user_gid}/workspace_memberships, WorkspaceMembershipResponse with opt_fields):
 * whether the user is active, an admin, a guest, or on a view-only licence, read by the credential scope check.
 */
export const workspaceMembershipSchema = z
  .object({
    gid: z.string(),
    workspace: z.object({ gid: z.string(), name: z.string().optional() }).passthrough(),
    user: z.object({ gid: z.string(), name: z.string().optional() }).passthrough().optional(),
    is_active: z.boolean(),
    is_admin: z.boolean(),
    is_guest: z.boolean(),
    is_view_only: z.boolean().optional(),
  })
  .passthrough();
export type AsanaWorkspaceMembership = z.infer<typeof workspaceMembershipSchema>;

/** A custom field value as it appears on a project (opt_fields custom_fields.gid,name,text_value). */
export const customFieldValueSchema = z
  .object({ gid: z.string(), name: z.string().optional(), text_value: z.string().nullable().optional() })
  .passthrough();
export type AsanaCustomFieldValue = z.infer<typeof customFieldValueSchema>;

export const customFieldSchema = z
  .object({ gid: z.string(), name: z.string(), resource_subtype: z.string().optional(), type: z.string().optional() })
  .passthrough();

/**
 * The project's latest status update (opt_fields current_status_update.status_type,title,text): Asana's current
 * field; `current_status` is deprecated and read only when a project has no update.
 */
export const statusUpdateSchema = z
  .object({ status_type: z.string().nullable().optional(), title: z.string().nullable().optional(), text: z.string().nullable().optional() })
  .passthrough();
export type AsanaStatusUpdate = z.infer<typeof statusUpdateSchema>;

/** One row of the project index (opt_fields name,archived,created_at,custom_fields.…). */
export const indexProjectSchema = z
  .object({
    gid: z.string(),
    name: z.string(),
    archived: z.boolean(),
    created_at: z.string(),
    custom_fields: z.array(customFieldValueSchema),
    // for list summaries (opt_fields current_status.color,current_status.title,due_on,completed)
    completed: z.boolean(),
    current_status: z.object({ color: z.string(), title: z.string().nullable().optional() }).passthrough().nullable().optional(),
    current_status_update: statusUpdateSchema.nullable().optional(),
    due_on: date.nullable(),
  })
  .passthrough();
export type AsanaIndexProject = z.infer<typeof indexProjectSchema>;

export const projectStatusSchema = z
  .object({ color: z.string(), text: z.string().nullable().optional(), title: z.string().nullable().optional() })
  .passthrough();

export const ownerSchema = z
  .object({ gid: z.string(), name: z.string().nullable().optional(), email: z.string().nullable().optional() })
  .passthrough();

/** A project's details as Panorama asks for them (see PROJECT_FIELDS in loaders.ts). */
export const projectSchema = z
  .object({
    gid: z.string(),
    name: z.string(),
    owner: ownerSchema.nullable(),
    current_status: projectStatusSchema.nullable().optional(),
    current_status_update: statusUpdateSchema.nullable().optional(),
    due_on: date.nullable(),
    start_on: date.nullable(),
    created_at: z.string(),
    archived: z.boolean(),
    completed: z.boolean(),
    permalink_url: z.string().optional(),
    custom_fields: z.array(customFieldValueSchema).optional(),
  })
  .passthrough();
export type AsanaProject = z.infer<typeof projectSchema>;

/** A task as Panorama asks for it (see TASK_FIELDS in loaders.ts). */
export const taskSchema = z
  .object({
    gid: z.string(),
    name: z.string(),
    resource_subtype: z.string(),
    completed: z.boolean(),
    completed_at: z.string().nullable(),
    due_on: date.nullable(),
  })
  .passthrough();
export type AsanaTask = z.infer<typeof taskSchema>;

/** `{ data: [...], next_page }` — next_page is only present when a limit was sent. */
export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), next_page: nextPageSchema.optional() }).passthrough();
export type AsanaPage<T> = { data: T[]; next_page?: { offset: string; path: string; uri: string } | null };

export const singleSchema = <T extends z.ZodTypeAny>(item: T) => z.object({ data: item }).passthrough();

/** One result of POST /batch: each action answers as its endpoint would, inside the envelope. */
export const batchResultSchema = z
  .object({ status_code: z.number().int(), headers: z.record(z.unknown()).nullable().optional(), body: z.unknown() })
  .passthrough();
export const batchResponseSchema = z.object({ data: z.array(batchResultSchema) }).passthrough();
export type AsanaBatchResult = z.infer<typeof batchResultSchema>;

/** An action of POST /batch: query parameters go in `data`, paging and fields in `options`. */
export type AsanaBatchAction = {
  method: 'get';
  relative_path: string;
  data?: Record<string, string>;
  options?: { limit?: number; offset?: string; fields?: string[] };
};
