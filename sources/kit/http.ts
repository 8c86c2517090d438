import type { z } from 'zod';
import { beforeRequest } from './request-meter.js';

/** A non-2xx answer from a vendor, kept whole so the module's error mapping can read the vendor's body. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;

  constructor(status: number, headers: Headers, body: unknown, url: string) {
    super(`HTTP ${status} from ${new URL(url).pathname}`);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
    this.body = body;
  }
}

/** The answer parsed, but not in the shape the vendor documents (API drift or a broken body). */
export class ResponseShapeError extends Error {
  readonly issues: string[];

  constructor(what: string, issues: string[], cause?: unknown) {
    super(`${what}: unexpected response shape (${issues.slice(0, 3).join('; ')})`, { cause });
    this.name = 'ResponseShapeError';
    this.issues = issues;
  }
}

/** Validates a vendor payload at the boundary; a mismatch names the fields that drifted. */
export function validate<S extends z.ZodTypeAny>(schema: S, body: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ResponseShapeError(
      what,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

/**
 * GET/POST JSON with Node's fetch for the thin typed clients: non-2xx becomes HttpError (body kept), a body
 * that is not JSON or not the documented shape becomes ResponseShapeError.
 */
export async function fetchJson<S extends z.ZodTypeAny>(
  url: string,
  schema: S,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal; what: string },
): Promise<z.infer<S>> {
  // a call's further requests each take a budget point (request-meter.ts): counted on the signal the caller gave
  await beforeRequest(init.signal);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: init.signal,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    if (res.ok) throw new ResponseShapeError(init.what, ['body is not valid JSON'], e);
  }
  if (!res.ok) throw new HttpError(res.status, res.headers, body, url);
  return validate(schema, body, init.what);
}
