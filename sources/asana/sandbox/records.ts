import { z } from 'zod';
import { compactSchema, customFieldSchema, projectSchema, projectStatusSchema, taskSchema, workspaceSchema } from '../types.js';

/**
 * The sandbox's Asana records: the client's schemas (types.ts) extended with the fields the sandbox stores and
 * serves but Panorama does not read. Strict, so a record holding a field no schema names fails the dataset's
 * conformance test.
 */
export const sandboxCompactSchema = compactSchema.extend({ resource_type: z.string(), name: z.string() }).strict();

export const sandboxUserSchema = sandboxCompactSchema.extend({ resource_type: z.literal('user'), email: z.string() }).strict();

export const sandboxWorkspaceSchema = workspaceSchema
  .extend({ resource_type: z.literal('workspace'), is_organization: z.boolean(), email_domains: z.array(z.string()) })
  .strict();

export const sandboxCustomFieldSchema = customFieldSchema
  .extend({
    resource_type: z.literal('custom_field'),
    resource_subtype: z.enum(['text', 'enum', 'number']),
    type: z.enum(['text', 'enum', 'number']),
    description: z.string(),
  })
  .strict();

const customFieldValueSchema = sandboxCustomFieldSchema
  .extend({ text_value: z.string().nullable(), display_value: z.string().nullable() })
  .strict();

export const sandboxStatusSchema = projectStatusSchema
  .extend({
    gid: z.string(),
    resource_type: z.literal('project_status'),
    title: z.string(),
    color: z.enum(['green', 'yellow', 'red', 'blue', 'complete']),
    text: z.string(),
    created_at: z.string(),
  })
  .strict();

export const sandboxProjectSchema = projectSchema
  .extend({
    resource_type: z.literal('project'),
    completed_at: z.string().nullable(),
    color: z.string().nullable(),
    modified_at: z.string(),
    current_status: sandboxStatusSchema.nullable(),
    current_status_update: z
      .object({ gid: z.string(), resource_type: z.literal('status_update'), title: z.string(), resource_subtype: z.string(), status_type: z.enum(['on_track', 'at_risk', 'off_track', 'on_hold', 'complete', 'dropped']), text: z.string() })
      .strict()
      .nullable(),
    notes: z.string(),
    owner: sandboxCompactSchema.nullable(),
    permalink_url: z.string(),
    public: z.boolean(),
    workspace: sandboxCompactSchema,
    team: sandboxCompactSchema,
    custom_fields: z.array(customFieldValueSchema),
  })
  .strict();

export const sandboxTaskSchema = taskSchema
  .extend({
    resource_type: z.literal('task'),
    resource_subtype: z.enum(['default_task', 'milestone']),
    created_at: z.string(),
    modified_at: z.string(),
    assignee: sandboxCompactSchema.nullable(),
    projects: z.array(sandboxCompactSchema),
    memberships: z.array(z.object({ project: sandboxCompactSchema, section: sandboxCompactSchema }).strict()),
    permalink_url: z.string(),
    workspace: sandboxCompactSchema,
    notes: z.string(),
  })
  .strict();

export type AsanaCompact = z.infer<typeof sandboxCompactSchema>;
export type AsanaUser = z.infer<typeof sandboxUserSchema>;
export type AsanaWorkspace = z.infer<typeof sandboxWorkspaceSchema>;
export type AsanaCustomField = z.infer<typeof sandboxCustomFieldSchema>;
export type AsanaCustomFieldValue = z.infer<typeof customFieldValueSchema>;
export type AsanaStatus = z.infer<typeof sandboxStatusSchema>;
export type AsanaProject = z.infer<typeof sandboxProjectSchema>;
export type AsanaTask = z.infer<typeof sandboxTaskSchema>;

export type AsanaData = {
  workspace: AsanaWorkspace;
  team: AsanaCompact;
  users: AsanaUser[];
  accountField: AsanaCustomField;
  /** Whether the workspace has the account field at all (a variant workspace may not). @default true */
  accountFieldExists?: boolean;
  projects: AsanaProject[];
  tasks: AsanaTask[];
};
