import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from './clock.js';

/** What a webhook delivery is, as the route hands it to a module: raw body (signatures are over its bytes), headers, query. */
export type WebhookRequest = {
  headers: Headers;
  /** The body exactly as received (UTF-8). */
  body: string;
  /** The query string of the URL the vendor posted to (a path token set by Panorama's operator). */
  query: URLSearchParams;
};

/** One record a vendor says changed, in the module's own words (`customer`, `invoice`, `project`, `organization` …). */
export type WebhookChange = { entity: string; id: string; action: string };

/** The few facts Panorama keeps about a source's webhook besides its settings (the Asana handshake's secret). */
export type WebhookSecretStore = {
  get: (source: string) => Promise<string | null>;
  set: (source: string, secret: string) => Promise<void>;
};

export class MemoryWebhookSecrets implements WebhookSecretStore {
  readonly #m = new Map<string, string>();
  async get(source: string): Promise<string | null> {
    return this.#m.get(source) ?? null;
  }
  async set(source: string, secret: string): Promise<void> {
    this.#m.set(source, secret);
  }
}

/** What a module made of a delivery. */
export type WebhookVerdict =
  /** Signature missing or wrong, a path token that does not match, an unknown organization: answered 401. */
  | { kind: 'refused'; reason: string }
  /** Verified, but the payload is not what the vendor sends: answered 400 with the reason. */
  | { kind: 'malformed'; reason: string }
  /** A subscription handshake (Asana): the secret is kept, and the answer carries these headers. */
  | { kind: 'handshake'; secret: string; headers: Record<string, string> }
  /** Verified changes. `reply` is the answer the vendor expects (Salesforce's SOAP Ack); else 200 JSON. */
  | { kind: 'changes'; changes: WebhookChange[]; reply?: { contentType: string; body: string } };

export type WebhookContext = { clock: Clock; secrets: WebhookSecretStore; source: string };

/**
 * A module's webhook: its settings (variables; all unset = off, the endpoint answers 404), how a delivery is
 * verified and parsed into Panorama's own `WebhookChange`s, and which of its cache entries a change makes stale.
 */
export type WebhookSpec<S = unknown> = {
  /** What the vendor calls it, for the admin page ("Outbound Messages", "Webhooks"). */
  mechanism: string;
  /** Its variables; parsed whether or not the source is connected. */
  settingsSchema: z.ZodType<S, z.ZodTypeDef, unknown>;
  /** Whether the settings turn the endpoint on. */
  enabled: (settings: S) => boolean;
  receive: (req: WebhookRequest, settings: S, ctx: WebhookContext) => Promise<WebhookVerdict>;
  /**
   * The module's cache keys a change makes stale, as prefixes after `<source>:` (`customer:42`, `customerIndex:`):
   * the record's own entries, the indexes holding it (dropped whole: an index is one entry) and lists that may
   * show it.
   */
  invalidates: (change: WebhookChange) => string[];
};

/** The largest webhook body accepted, in bytes (a Salesforce message of 100 notifications fits many times). */
export const WEBHOOK_MAX_BYTES = 256 * 1024;

/** How old a timestamped delivery may be, either way, before it is refused as a replay. */
export const WEBHOOK_MAX_AGE_MS = 5 * 60_000;

/** HMAC-SHA256 of the data under the secret. */
export function hmacSha256(secret: string, data: string, encoding: 'base64' | 'hex'): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest(encoding);
}

/** Compares two signatures in constant time (for equal lengths; the length itself is no secret). */
export function sameSignature(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.trim(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses JSON, or says what is wrong with it. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
}

/** A verified body read as the vendor's delivery: the schema's value, or the malformed verdict that says why not. */
export function readDelivery<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: string): { ok: true; value: T } | { ok: false; verdict: WebhookVerdict } {
  const json = parseJson(body);
  if (!json.ok) return { ok: false, verdict: { kind: 'malformed', reason: json.reason } };
  const parsed = schema.safeParse(json.value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, verdict: { kind: 'malformed', reason: zodReason(parsed.error) } };
}

/** A zod failure as one line: where and what. */
export function zodReason(e: z.ZodError): string {
  const i = e.issues[0];
  return i ? `${i.path.join('.') || 'body'}: ${i.message}` : 'the payload does not have the expected shape';
}
