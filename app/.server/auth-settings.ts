import { z } from 'zod';

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
  /** A session unused for this long ends. */
  PANORAMA_SESSION_IDLE_MINUTES: positiveNumber('PANORAMA_SESSION_IDLE_MINUTES', 30),
  /** A session ends this long after sign-in, however busy. */
  PANORAMA_SESSION_ABSOLUTE_HOURS: positiveNumber('PANORAMA_SESSION_ABSOLUTE_HOURS', 8),
});

export type AuthSettings = z.output<typeof authSettingsFragment>;

/** Parses the fragment, or throws one error listing every bad variable by name. */
export function parseAuthSettings(env: Record<string, string | undefined>): AuthSettings {
  const r = authSettingsFragment.safeParse(env);
  if (r.success) return r.data;
  throw new Error(`Panorama's sign-in settings are not valid: ${r.error.issues.map((i) => i.message).join(' ')}`);
}

let parsed: AuthSettings | undefined;
/** The process's settings, parsed once from its environment. */
export function authSettings(): AuthSettings {
  parsed ??= parseAuthSettings(process.env);
  return parsed;
}
