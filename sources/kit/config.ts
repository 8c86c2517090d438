import type { z } from 'zod';

/** A setting that is missing or wrong; the message names the variable so the operator can fix it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses env variables with a zod schema whose keys are the variable names. */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, env: Record<string, string | undefined>, what: string): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`${what} configuration is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
