import { z } from 'zod';
import { defaultBudgetPerMinute, type SourceFacts } from './source-facts.js';

/** A whole number from the environment, within bounds; an empty value means the default. Messages name the variable. */
export function whole(name: string, min: number, max: number, fallback: number) {
  const msg = `${name} must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z.number({ invalid_type_error: msg }).int(msg).min(min, msg).max(max, msg).default(fallback),
  );
}

/**
 * Settings of failure handling that apply to every source alike (retries and their deadline; each source's
 * per-minute budget is its own setting, `budgetSettingsOf`). One fragment of
 * Panorama's settings schema: its keys are the variables' names.
 */
export const resilienceSettingsSchema = z.object({
  /** Retries of an idempotent read after a 5xx, a dropped connection or a timeout (0 turns retries off). */
  PANORAMA_RETRY_ATTEMPTS: whole('PANORAMA_RETRY_ATTEMPTS', 0, 5, 2),
  /** First backoff delay; each next one grows exponentially, with jitter. */
  PANORAMA_RETRY_INITIAL_DELAY_MS: whole('PANORAMA_RETRY_INITIAL_DELAY_MS', 1, 60_000, 200),
  /** Longest backoff delay. */
  PANORAMA_RETRY_MAX_DELAY_MS: whole('PANORAMA_RETRY_MAX_DELAY_MS', 1, 300_000, 2_000),
  /** One call and all its retries end by this deadline (never shorter than the source's own timeout). */
  PANORAMA_RETRY_DEADLINE_MS: whole('PANORAMA_RETRY_DEADLINE_MS', 100, 600_000, 10_000),
  /**
   * The share of Salesforce's daily API allowance (the org's, reported on every answer in Sforce-Limit-Info)
   * Panorama may use: at it, nothing more is sent for 15 min (0: not watched). The same share applies to Xero's
   * 5,000 calls a day per organisation (X-DayLimit-Remaining) when Xero is the accounting system.
   */
  PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT: whole('PANORAMA_BUDGET_SALESFORCE_DAILY_PERCENT', 0, 100, 80),
  /** Where alerts are posted (Slack-compatible JSON); without it alerts are only logged. */
  PANORAMA_ALERT_WEBHOOK_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .url('PANORAMA_ALERT_WEBHOOK_URL must be an http(s) URL')
      .refine((u) => /^https?:\/\//i.test(u), 'PANORAMA_ALERT_WEBHOOK_URL must be an http(s) URL')
      .optional(),
  ),
  /** Calls in a row that must fail before a source is reported down (its breaker opening reports it too). */
  PANORAMA_ALERT_CONSECUTIVE_FAILURES: whole('PANORAMA_ALERT_CONSECUTIVE_FAILURES', 1, 1000, 5),
});

export type ResilienceSettings = z.infer<typeof resilienceSettingsSchema>;

/** How the kit retries an upstream read. */
export type RetrySettings = { attempts: number; initialDelayMs: number; maxDelayMs: number; deadlineMs: number };

export function retrySettingsOf(s: ResilienceSettings): RetrySettings {
  return {
    attempts: s.PANORAMA_RETRY_ATTEMPTS,
    initialDelayMs: s.PANORAMA_RETRY_INITIAL_DELAY_MS,
    maxDelayMs: Math.max(s.PANORAMA_RETRY_MAX_DELAY_MS, s.PANORAMA_RETRY_INITIAL_DELAY_MS),
    deadlineMs: s.PANORAMA_RETRY_DEADLINE_MS,
  };
}

/** The variable setting a source's per-minute budget. */
export const budgetVariable = (source: string) => `PANORAMA_BUDGET_${source.toUpperCase()}_PER_MINUTE`;

/**
 * Each source's per-minute budget setting (0: no budget), defaulting to 80 % of the limit its module documents:
 * one variable per registered module, so a new module brings its own.
 */
export function budgetSettingsOf(sources: readonly SourceFacts[]) {
  return z.object(Object.fromEntries(sources.map((f) => [budgetVariable(f.id), whole(budgetVariable(f.id), 0, 100_000, defaultBudgetPerMinute(f.limits))])));
}
