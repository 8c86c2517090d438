import { z } from 'zod';
import { defaultBudgetPerMinute } from './budget.js';

/** A whole number from the environment, within bounds; an empty value means the default. Messages name the variable. */
function whole(name: string, min: number, max: number, fallback: number) {
  const msg = `${name} must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z.number({ invalid_type_error: msg }).int(msg).min(min, msg).max(max, msg).default(fallback),
  );
}

/**
 * Settings of failure handling that apply to every source alike (retries and their deadline). One fragment of
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
  /** Requests a minute Panorama may send each source (0: no budget). Default: 80 % of the vendor's documented limit. */
  PANORAMA_BUDGET_SALESFORCE_PER_MINUTE: whole('PANORAMA_BUDGET_SALESFORCE_PER_MINUTE', 0, 100_000, defaultBudgetPerMinute('salesforce')),
  PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE: whole('PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE', 0, 100_000, defaultBudgetPerMinute('quickbooks')),
  PANORAMA_BUDGET_XERO_PER_MINUTE: whole('PANORAMA_BUDGET_XERO_PER_MINUTE', 0, 100_000, defaultBudgetPerMinute('xero')),
  PANORAMA_BUDGET_ASANA_PER_MINUTE: whole('PANORAMA_BUDGET_ASANA_PER_MINUTE', 0, 100_000, defaultBudgetPerMinute('asana')),
  PANORAMA_BUDGET_ZENDESK_PER_MINUTE: whole('PANORAMA_BUDGET_ZENDESK_PER_MINUTE', 0, 100_000, defaultBudgetPerMinute('zendesk')),
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

export function budgetPerMinuteOf(s: ResilienceSettings, source: 'salesforce' | 'quickbooks' | 'xero' | 'asana' | 'zendesk'): number {
  const byName = {
    salesforce: s.PANORAMA_BUDGET_SALESFORCE_PER_MINUTE,
    quickbooks: s.PANORAMA_BUDGET_QUICKBOOKS_PER_MINUTE,
    xero: s.PANORAMA_BUDGET_XERO_PER_MINUTE,
    asana: s.PANORAMA_BUDGET_ASANA_PER_MINUTE,
    zendesk: s.PANORAMA_BUDGET_ZENDESK_PER_MINUTE,
  };
  return byName[source];
}

export function retrySettingsOf(s: ResilienceSettings): RetrySettings {
  return {
    attempts: s.PANORAMA_RETRY_ATTEMPTS,
    initialDelayMs: s.PANORAMA_RETRY_INITIAL_DELAY_MS,
    maxDelayMs: Math.max(s.PANORAMA_RETRY_MAX_DELAY_MS, s.PANORAMA_RETRY_INITIAL_DELAY_MS),
    deadlineMs: s.PANORAMA_RETRY_DEADLINE_MS,
  };
}
