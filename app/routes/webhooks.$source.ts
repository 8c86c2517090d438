import type { ActionFunctionArgs } from '@remix-run/node';
import { WEBHOOK_MAX_BYTES } from '../../sources/kit/webhooks.js';
import { errorForLog, logger } from '../../sources/kit/logger.js';
import { panorama } from '../.server/runtime.js';
import { bodyWithin } from '../.server/webhook-body.js';

const text = (status: number, message: string) => new Response(JSON.stringify({ error: message }), { status, headers: { 'content-type': 'application/json' } });

/**
 * A vendor's change notification. The source module named in the path verifies it and says which records
 * changed; their cached copies are dropped on every instance, and the delivery is written to the webhook audit.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const source = params.source ?? '';
  if (request.method !== 'POST') return text(405, 'webhooks are delivered with POST');
  const body = await bodyWithin(request);
  if (body === null) return text(413, `the body is larger than ${WEBHOOK_MAX_BYTES / 1024} KiB`);
  const { runtime, webhookAudit } = panorama();
  const answer = await runtime.receiveWebhook(source, { headers: request.headers, body, query: new URL(request.url).searchParams });
  if (answer.delivery) {
    // the audit must not turn a verified delivery into a failure the vendor retries: it is logged instead
    await webhookAudit.record(answer.delivery).catch((e: unknown) => logger.warn({ err: errorForLog(e), source: answer.delivery!.source }, 'webhook audit could not be written'));
  }
  return new Response(answer.body || null, { status: answer.status, headers: answer.headers });
}

export function loader() {
  return text(405, 'webhooks are delivered with POST');
}
