/** Zendesk's connection token: the agent's e-mail with the API token (Basic `email/token:apiToken`). */
export type ZendeskCredential = { email: string; apiToken: string };

export function encodeZendeskCredential(c: ZendeskCredential): string {
  return JSON.stringify({ email: c.email, apiToken: c.apiToken });
}

export function decodeZendeskCredential(raw: string | null): ZendeskCredential | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<ZendeskCredential>;
    return typeof v.email === 'string' && typeof v.apiToken === 'string' && v.email && v.apiToken ? { email: v.email, apiToken: v.apiToken } : null;
  } catch {
    return null;
  }
}
