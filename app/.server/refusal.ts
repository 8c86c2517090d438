import { POLICY, ROLE_LABELS, type AccessGroup, type Role } from '../../graphql/policy.js';
import { andList } from '../components/format.js';
import type { GraphQLErrorShape } from './graphql.js';

const PLURAL: Record<Role, string> = {
  support: 'support',
  account_manager: 'account managers',
  finance: 'finance',
  admin: 'admins',
};

/** "account managers, finance and admins": the roles that may read a group, in words. */
export function whoMayRead(group: AccessGroup): string {
  const names = POLICY[group].map((r) => PLURAL[r]);
  return andList(names) || 'nobody';
}

/**
 * The plain-words answer a page gives when its operation returned no data: 403 naming who may see the page (never
 * a schema field), 400 with our own input message, else 503 saying to try again. Thrown from a loader, it reaches
 * the root error boundary, which keeps the app frame.
 */
export function pageRefusal(role: Role, errors: readonly GraphQLErrorShape[], page: { name: string; group: AccessGroup }): Response {
  if (errors.some((e) => e.extensions?.code === 'FORBIDDEN')) return forbidden(role, page);
  const bad = errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (bad) return new Response(bad.message, { status: 400 });
  return new Response(`Panorama could not load ${page.name} just now. Try again in a minute; if it keeps happening, tell your admin.`, { status: 503 });
}

export function forbidden(role: Role, page: { name: string; group: AccessGroup }): Response {
  return new Response(`${capitalise(page.name)} are for ${whoMayRead(page.group)}. You are signed in as ${ROLE_LABELS[role].toLowerCase()}; ask an admin if you need access.`, { status: 403 });
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
