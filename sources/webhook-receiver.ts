import type { Clock } from './kit/clock.js';
import type { SourceId } from './kit/errors.js';
import { logger } from './kit/logger.js';
import type { SharedState } from './kit/shared-state.js';
import type { WebhookSecretStore } from './kit/webhooks.js';
import type { BoundSource, SourcesRuntime } from './runtime.js';

/** What Panorama did with one webhook delivery: kept (in memory and the store's audit), never the body. */
export type WebhookDelivery = {
  at: number;
  source: SourceId;
  /** `invalidated`: verified, its records' cache entries dropped; `handshake`: a subscription confirmed. */
  outcome: 'invalidated' | 'handshake' | 'refused' | 'malformed';
  verified: boolean;
  /** Why it was refused or malformed (never a secret, never the body). */
  reason: string | null;
  /** The records the vendor said changed, by entity (ids only: vendor record ids, no personal data; at most 50 each). */
  entities: { entity: string; ids: string[]; count: number }[];
  /** Cache entries dropped on this instance (the others drop theirs through Redis). */
  dropped: number;
};

/** A source's webhook as the admin page shows it. */
export type WebhookState = { source: SourceId; mechanism: string; enabled: boolean; path: string; last: WebhookDelivery | null };

/** The answer the route sends. */
export type WebhookAnswer = { status: number; headers: Record<string, string>; body: string; delivery: WebhookDelivery | null };

type Receiver = {
  list: BoundSource[];
  /** Each source's webhook settings, parsed by its module (null: none set). */
  hooks: Record<SourceId, unknown>;
  clock: Clock;
  shared: SharedState | null;
  secrets: WebhookSecretStore;
  /** Told when a delivery dropped cached data (the answer reuse drops its answers then). */
  peerListeners: Set<() => void>;
};

/**
 * Vendors' pushes: each verified by its source's module, its changed records' cache entries dropped here and,
 * through Redis, on every instance; the last delivery of each source kept for the admin page.
 */
export function createWebhookReceiver({ list, hooks, clock, shared, secrets, peerListeners }: Receiver): Pick<SourcesRuntime, 'receiveWebhook' | 'webhooks'> {
  const bySource = (id: string) => list.find((s) => s.id === id);
  const lastDelivery = new Map<SourceId, WebhookDelivery>();
  const noted = (d: WebhookDelivery) => {
    const held = lastDelivery.get(d.source);
    if (!held || held.at <= d.at) lastDelivery.set(d.source, d);
  };
  shared?.subscribe('webhook', (body) => {
    const d = body as WebhookDelivery;
    if (d && typeof d.source === 'string' && typeof d.at === 'number' && bySource(d.source)) noted(d);
  });
  const receiveWebhook: SourcesRuntime['receiveWebhook'] = async (source, req) => {
    const s = bySource(source);
    const spec = s?.module.webhook;
    const hookSettings = s ? hooks[s.id] : null;
    const json = (status: number, body: unknown, delivery: WebhookDelivery | null): WebhookAnswer => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), delivery });
    if (!s || !spec || hookSettings == null || !spec.enabled(hookSettings)) return json(404, { error: `no webhook is received for "${source.slice(0, 40)}"` }, null);
    const at = clock.now();
    const base = { at, source: s.id, entities: [], dropped: 0 };
    const finish = (d: WebhookDelivery, answer: Omit<WebhookAnswer, 'delivery'>): WebhookAnswer => {
      noted(d);
      shared?.publish('webhook', d);
      if (d.verified) logger.info({ source: s.id, outcome: d.outcome, entities: d.entities.map((e) => ({ entity: e.entity, count: e.count })), dropped: d.dropped }, 'webhook received');
      else logger.warn({ source: s.id, outcome: d.outcome, reason: d.reason }, 'webhook refused');
      return { ...answer, delivery: d };
    };
    let verdict;
    try {
      verdict = await spec.receive(req, hookSettings, { clock, secrets: secrets, source: s.id });
    } catch (e) {
      return finish({ ...base, outcome: 'malformed', verified: false, reason: 'the delivery could not be read' }, json(400, { error: 'the delivery could not be read' }, null));
    }
    switch (verdict.kind) {
      case 'refused':
        return finish({ ...base, outcome: 'refused', verified: false, reason: verdict.reason }, json(401, { error: `refused: ${verdict.reason}` }, null));
      case 'malformed':
        return finish({ ...base, outcome: 'malformed', verified: true, reason: verdict.reason }, json(400, { error: `malformed: ${verdict.reason}` }, null));
      case 'handshake':
        await secrets.set(s.id, verdict.secret);
        return finish({ ...base, outcome: 'handshake', verified: true, reason: null }, { status: 200, headers: verdict.headers, body: '' });
      case 'changes': {
        const prefixes = new Set(verdict.changes.flatMap((c) => spec.invalidates(c)));
        let dropped = 0;
        for (const p of prefixes) dropped += s.kit.invalidate(p);
        if (prefixes.size > 0) for (const fn of peerListeners) fn();
        const byEntity = new Map<string, Set<string>>();
        for (const c of verdict.changes) {
          let ids = byEntity.get(c.entity);
          if (!ids) byEntity.set(c.entity, (ids = new Set()));
          ids.add(c.id);
        }
        const entities = [...byEntity].map(([entity, ids]) => ({ entity, ids: [...ids].slice(0, 50), count: ids.size }));
        const d: WebhookDelivery = { ...base, outcome: 'invalidated', verified: true, reason: null, entities, dropped };
        return finish(d, verdict.reply ? { status: 200, headers: { 'content-type': verdict.reply.contentType }, body: verdict.reply.body } : json(200, { ok: true, changes: verdict.changes.length, dropped }, null));
      }
    }
  };

  const webhooks = () =>
    list.map((s): WebhookState => {
      const spec = s.module.webhook;
      const hs = hooks[s.id];
      return { source: s.id, mechanism: spec?.mechanism ?? 'none', enabled: Boolean(spec && hs != null && spec.enabled(hs)), path: `/webhooks/${s.id}`, last: lastDelivery.get(s.id) ?? null };
    });
  return { receiveWebhook, webhooks };
}
