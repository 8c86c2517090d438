import { z } from 'zod';
import { ConfigError } from './config.js';

export type Env = Record<string, string | undefined>;

/** One wrong setting: the variable, what was wrong and what form is expected. */
export type SettingIssue = { variable: string; message: string };

/**
 * A part of Panorama's settings: the variables one layer reads (keys of a zod object schema are the variable
 * names) and what it makes of them. `variables` lists every variable it reads, for the README and
 * `.env.example` check; `patterns` names families of variables (`PANORAMA_CACHE_TTL_<SOURCE>_<ENTITY>_SECONDS`).
 */
export type SettingsFragment<T> = {
  variables: readonly string[];
  patterns?: readonly { name: string; test: RegExp }[];
  parse: (env: Env) => { ok: true; value: T } | { ok: false; issues: SettingIssue[] };
};

export type FragmentValue<F> = F extends SettingsFragment<infer T> ? T : never;

/** The variable names a schema over env reads: the keys of the object inside its effects and pipes. */
export function envKeys(schema: z.ZodTypeAny): string[] {
  let s: z.ZodTypeAny = schema;
  for (;;) {
    if (s instanceof z.ZodEffects) s = s.innerType();
    else if (s instanceof z.ZodPipeline) s = s._def.in;
    else if (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s._def.innerType;
    else break;
  }
  if (!(s instanceof z.ZodObject)) throw new Error('A settings schema must be a zod object whose keys are variable names');
  return Object.keys(s.shape as Record<string, unknown>);
}

/** Turns zod's issues into named ones; a schema-wide issue is laid on `fallback`. */
export function issuesOf(error: z.ZodError, fallback: string): SettingIssue[] {
  return error.issues.map((i) => ({ variable: String(i.path[0] ?? fallback), message: i.message }));
}

/** A fragment from a zod object schema whose keys are the variable names it reads. */
export function envFragment<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, extra: Partial<Pick<SettingsFragment<T>, 'patterns'>> = {}): SettingsFragment<T> {
  const variables = envKeys(schema);
  return {
    variables,
    ...extra,
    parse: (env) => {
      const parsed = schema.safeParse(env);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, issues: issuesOf(parsed.error, variables[0] ?? '(env)') };
    },
  };
}

// Values of variables whose name says they are secret are never repeated in a message.
const SECRET = /SECRET|TOKEN|PASSWORD|KEY/;

/** The error message for a list of issues: one line per variable, with the value given (unless secret). */
export function describeIssues(issues: readonly SettingIssue[], env: Env): string {
  const lines = issues.map(({ variable, message }) => {
    const raw = env[variable];
    const given = raw === undefined || raw === '' ? ' (not set)' : SECRET.test(variable) ? '=(hidden)' : `=${JSON.stringify(raw.slice(0, 120))}`;
    return `  ${variable}${given}: ${message}`;
  });
  return `Panorama's settings are invalid:\n${lines.join('\n')}`;
}

/** Parses every fragment of a record of fragments; all issues of all fragments are reported together. */
export function parseFragments<R extends Record<string, SettingsFragment<unknown>>>(fragments: R, env: Env): { [K in keyof R]: FragmentValue<R[K]> } {
  const out: Record<string, unknown> = {};
  const issues: SettingIssue[] = [];
  for (const [name, fragment] of Object.entries(fragments)) {
    const r = fragment.parse(env);
    if (r.ok) out[name] = r.value;
    else issues.push(...r.issues);
  }
  if (issues.length > 0) throw new ConfigError(describeIssues(issues, env));
  return out as { [K in keyof R]: FragmentValue<R[K]> };
}

/** Every variable the fragments read, and the names of their variable families. */
export function variablesOf(fragments: Record<string, SettingsFragment<unknown>>): { variables: string[]; patterns: { name: string; test: RegExp }[] } {
  const list = Object.values(fragments);
  return { variables: [...new Set(list.flatMap((f) => f.variables))].sort(), patterns: list.flatMap((f) => f.patterns ?? []) };
}

/** Zod pieces for env variables, with messages that say the expected form. */
export const envValue = {
  /** A whole number in [min, max]; `what` is the unit (`days`, `ms`). Empty means the default. */
  int: (min: number, max: number, what: string, fallback: number) => {
    const form = `must be a whole number from ${min} to ${max} (${what})`;
    return z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z.coerce.number({ invalid_type_error: form }).int(form).min(min, form).max(max, form).default(fallback),
    ) as z.ZodType<number, z.ZodTypeDef, unknown>;
  },
  /** A number (fractions allowed) of at least `min`. */
  number: (min: number, what: string, fallback: number) =>
    z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z.coerce
        .number({ invalid_type_error: `must be a number of ${min} or more (${what})` })
        .min(min, `must be a number of ${min} or more (${what})`)
        .default(fallback),
    ) as z.ZodType<number, z.ZodTypeDef, unknown>,
  /** A number above 0 (fractions allowed). */
  positive: (what: string, fallback: number) =>
    z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z.coerce
        .number({ invalid_type_error: `must be a positive number (${what})` })
        .positive(`must be a positive number (${what})`)
        .default(fallback),
    ) as z.ZodType<number, z.ZodTypeDef, unknown>,
  /** `true` or `false` (empty means the default). */
  flag: <T extends boolean | null>(fallback: T) =>
    z.preprocess(
      (v) => (v === '' || v === undefined ? undefined : v),
      z
        .enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) })
        .transform((v) => v === 'true')
        .optional(),
    ).transform((v): boolean | T => (v === undefined ? fallback : v)) as z.ZodType<boolean | T, z.ZodTypeDef, unknown>,
  /** Text, empty meaning not set. */
  text: () => z.string().optional().transform((v) => (v ? v : null)),
};
