import { z } from 'zod';
import { ROLES, type Role } from '../../graphql/policy.js';

/**
 * The settings of sign-in, sessions and Panorama's own store: one zod fragment over the environment, parsed once
 * (see `authSettings`). Every message names the variable it is about.
 */
const positiveNumber = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${name} must be a number above 0 (got "${v.slice(0, 40)}").` });
        return z.NEVER;
      }
      return n;
    });

export const authSettingsFragment = z.object({
  /** The SQLite file of Panorama's own records (sessions, audit). Relative paths are from the working directory. */
  PANORAMA_STORE_PATH: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : './data/panorama.sqlite')),
  /**
   * Panorama's own store on PostgreSQL instead of the SQLite file, so several instances share one set of sessions,
   * one audit chain and one set of link decisions (postgres://user:password@host:5432/panorama).
   */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : null))
    .refine((v) => v === null || /^postgres(ql)?:\/\/[^\s]+$/.test(v), { message: 'DATABASE_URL must be a PostgreSQL URL such as postgres://panorama:secret@db.internal:5432/panorama.' }),
  /** A session unused for this long ends. */
  PANORAMA_SESSION_IDLE_MINUTES: positiveNumber('PANORAMA_SESSION_IDLE_MINUTES', 30),
  /** A session ends this long after sign-in, however busy. */
  PANORAMA_SESSION_ABSOLUTE_HOURS: positiveNumber('PANORAMA_SESSION_ABSOLUTE_HOURS', 8),
  /** Audit records older than this are removed (the removal itself is recorded). */
  PANORAMA_AUDIT_RETENTION_DAYS: positiveNumber('PANORAMA_AUDIT_RETENTION_DAYS', 365),
});

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

/** `role:group,role:group…` → the groups (claim values) that give each role; several entries may name one role. */
export function parseRoleMap(value: string): { role: Role; value: string }[] {
  return value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      const role = entry.slice(0, at).trim();
      const group = entry.slice(at + 1).trim();
      if (at < 1 || !group) throw new Error(`PANORAMA_ROLE_MAP: "${entry.slice(0, 60)}" is not role:group (e.g. support:cs-team).`);
      if (!(ROLES as readonly string[]).includes(role)) throw new Error(`PANORAMA_ROLE_MAP: "${role.slice(0, 40)}" is not a role; the roles are ${ROLES.join(', ')}.`);
      return { role: role as Role, value: group };
    });
}

export const oidcSettingsFragment = z.object({
  /** The identity provider's issuer; its discovery document is at <issuer>/.well-known/openid-configuration. */
  OIDC_ISSUER_URL: optionalText.refine((v) => v === undefined || URL.canParse(v), { message: 'OIDC_ISSUER_URL must be a URL such as https://login.example.com/realms/acme.' }),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  /** Where the identity provider sends people back; by default <the address they used>/auth/callback. */
  OIDC_REDIRECT_URI: optionalText.refine((v) => v === undefined || URL.canParse(v), { message: 'OIDC_REDIRECT_URI must be a URL ending in /auth/callback.' }),
  OIDC_SCOPES: optionalText.transform((v) => v ?? 'openid email profile'),
  /** The claim of the ID token (or userinfo) whose values PANORAMA_ROLE_MAP maps to roles. */
  OIDC_ROLE_CLAIM: optionalText.transform((v) => v ?? 'groups'),
  PANORAMA_ROLE_MAP: optionalText.transform((v, ctx) => {
    if (!v) return [];
    try {
      return parseRoleMap(v);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
      return z.NEVER;
    }
  }),
  /** Who grants access, named on the page that refuses someone without a role (e.g. "the IT service desk, it@acme.example"). */
  PANORAMA_ACCESS_CONTACT: optionalText.transform((v) => v ?? 'your IT administrator'),
});

export const signInSettingsFragment = authSettingsFragment.merge(oidcSettingsFragment).superRefine((s, ctx) => {
  const set = [s.OIDC_ISSUER_URL, s.OIDC_CLIENT_ID, s.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (set > 0 && set < 3) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Set all of OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET, or none.' });
  if (set === 3 && s.PANORAMA_ROLE_MAP.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'PANORAMA_ROLE_MAP is empty: with single sign-on nobody gets a role without it (e.g. support:cs-team,admin:it-admins).' });
});

export type AuthSettings = z.output<typeof signInSettingsFragment>;

/** The single sign-on settings, or null when none are set. */
export function oidcOf(s: AuthSettings): { issuer: URL; clientId: string; clientSecret: string } | null {
  return s.OIDC_ISSUER_URL && s.OIDC_CLIENT_ID && s.OIDC_CLIENT_SECRET ? { issuer: new URL(s.OIDC_ISSUER_URL), clientId: s.OIDC_CLIENT_ID, clientSecret: s.OIDC_CLIENT_SECRET } : null;
}

/** Parses the fragment, or throws one error listing every bad variable by name. */
export function parseAuthSettings(env: Record<string, string | undefined>): AuthSettings {
  const r = signInSettingsFragment.safeParse(env);
  if (r.success) return r.data;
  throw new Error(`Panorama's sign-in settings are not valid: ${r.error.issues.map((i) => i.message).join(' ')}`);
}

let parsed: AuthSettings | undefined;
/** The process's settings, parsed once from its environment. */
export function authSettings(): AuthSettings {
  parsed ??= parseAuthSettings(process.env);
  return parsed;
}
