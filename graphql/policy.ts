/**
 * The role policy, in one table: which field groups each role may read. Enforced in the GraphQL layer on every
 * field marked `@access(group: …)`, so the UI hiding a section is never the only guard.
 */
export const ROLES = ['support', 'account_manager', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ACCESS_GROUPS = [
  'IDENTITY',
  'TICKETS',
  'TICKET_COUNTS',
  'PROJECTS',
  'DEALS',
  'BILLING_STANDING',
  'BILLING',
  'ADMIN',
] as const;
export type AccessGroup = (typeof ACCESS_GROUPS)[number];

export const POLICY: Record<AccessGroup, readonly Role[]> = {
  IDENTITY: ['support', 'account_manager', 'finance', 'admin'],
  TICKETS: ['support', 'account_manager', 'admin'],
  TICKET_COUNTS: ['support', 'account_manager', 'finance', 'admin'],
  PROJECTS: ['support', 'account_manager', 'finance', 'admin'],
  DEALS: ['account_manager', 'admin'],
  BILLING_STANDING: ['support', 'account_manager', 'finance', 'admin'],
  BILLING: ['account_manager', 'finance', 'admin'],
  ADMIN: ['admin'],
};

export const ROLE_LABELS: Record<Role, string> = {
  support: 'Support',
  account_manager: 'Account manager',
  finance: 'Finance',
  admin: 'Admin',
};

export function canRead(role: Role, group: AccessGroup): boolean {
  return POLICY[group].includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
