import type { ZdOrganization, ZdTicket, ZdUser } from './records.js';

/** Zendesk writes timestamps to the second (`2026-04-20T08:44:30Z`). */
export function zdTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

/** The records as the API sends them: `url` points at this sandbox's own API, as Zendesk's do at the account's. */
export function apiOrganization(o: ZdOrganization, api: string) {
  return { ...o, url: `${api}/organizations/${o.id}.json`, created_at: zdTime(o.created_at), updated_at: zdTime(o.updated_at) };
}

export function apiUser(u: ZdUser, api: string) {
  return {
    ...u,
    url: `${api}/users/${u.id}.json`,
    external_id: null,
    details: '',
    notes: '',
    tags: [],
    shared: false,
    suspended: false,
    restricted_agent: u.role === 'end-user',
    created_at: zdTime(u.created_at),
    updated_at: zdTime(u.updated_at),
  };
}

export function apiTicket(t: ZdTicket, api: string) {
  return {
    ...t,
    url: `${api}/tickets/${t.id}.json`,
    // With satisfaction ratings on, a ticket nobody was asked about says so rather than carrying null.
    satisfaction_rating: t.satisfaction_rating ?? { score: 'unoffered' },
    created_at: zdTime(t.created_at),
    updated_at: zdTime(t.updated_at),
  };
}
