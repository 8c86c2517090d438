import { z } from 'zod';
import { DEFAULT_SEED, DEFAULT_SIZE } from './dataset.js';
import { SOURCE_IDS, faultSchema } from './state.js';

/** The sandbox server's settings (SANDBOX_*), read by `npm run sandbox` and checked by Panorama's start-up. */
export const sandboxEnvSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  SANDBOX_HOST: z.string().default('127.0.0.1'),
  SANDBOX_SEED: z.coerce.number().int().default(DEFAULT_SEED),
  SANDBOX_SIZE: z.coerce.number().int().min(20).max(20000).default(DEFAULT_SIZE),
  SANDBOX_TODAY: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
  /**
   * `env`: Panorama gets the sandbox's tokens in its environment, as before; `connect`: it gets none, and an admin
   * connects each source on /admin/connections through the sandbox's authorize pages (needs PANORAMA_ENCRYPTION_KEY). @default env
   */
  SANDBOX_TOKENS: z.enum(['env', 'connect'], { errorMap: () => ({ message: 'must be env or connect' }) }).default('env'),
  /**
   * `documented`: each vendor enforces the per-minute limit its module documents (a sliding minute; past it, the
   * vendor's 429 with Retry-After; `GET /__sandbox/rates` reports the busiest minute and the 429s). @default off
   */
  SANDBOX_RATE_LIMITS: z.enum(['off', 'documented'], { errorMap: () => ({ message: 'must be off or documented' }) }).default('off'),
  /** JSON: { "<source>": { latencyMs, jitterMs, status, rateLimit, ... } } */
  SANDBOX_FAULTS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return {};
      const fail = (why: string) => {
        ctx.addIssue({ code: 'custom', message: `must be JSON like {"quickbooks":{"latencyMs":200}}: ${why.slice(0, 300)}` });
        return z.NEVER;
      };
      let json: unknown;
      try {
        json = JSON.parse(s);
      } catch (e) {
        return fail((e as Error).message);
      }
      const parsed = z.record(z.enum(SOURCE_IDS), faultSchema.partial()).safeParse(json);
      if (parsed.success) return parsed.data;
      return fail(parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '));
    }),
});
