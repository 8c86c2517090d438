import { sourcesRuntimeFrom, type SourcesRuntime } from '../../sources/runtime.js';
import { createPanoramaYoga, type PanoramaYoga } from '../../graphql/yoga.js';
import { clockAt, systemClock, type Clock } from '../../sources/kit/clock.js';
import { errorForLog, logger } from '../../sources/kit/logger.js';
import { settings } from './settings.js';
import { authSettings } from './auth-settings.js';
import { AuditStore } from './store/audit-store.js';
import { panoramaStore } from './store/index.js';
import { LinkDecisionDbStore } from './store/link-decisions.js';
import { WebhookAuditStore, WebhookSecretDbStore } from './store/webhook-store.js';


import { ConnectionDbStore } from './store/connections.js';
import { TokenKeyring } from '../../sources/kit/token-cipher.js';
import { FileTokenStore } from '../../sources/kit/token-store.js';

type Panorama = { runtime: SourcesRuntime; yoga: PanoramaYoga; audit: AuditStore; webhookAudit: WebhookAuditStore; connections?: ConnectionDbStore | null };

declare global {
  // eslint-disable-next-line no-var
  var __panorama: Panorama | undefined;
}

/**
 * The process-wide sources and GraphQL server, built once from the environment (kept on globalThis so a dev
 * server's module reloads don't empty the cache). Building it starts loading the sources' indexes in the
 * background and keeps them warm (see `SourcesRuntime.keepIndexesWarm`), so no user's request waits for one.
 */
export function panorama(): Panorama {
  if (!globalThis.__panorama) {
    const s = settings();
    const clock = clockFor(process.env);
    // with PANORAMA_ENCRYPTION_KEY, rotated refresh tokens (and connections) live sealed in the own store (ADR 031)
    const keyring = s.sources.tokenKey ? new TokenKeyring(s.sources.tokenKey, s.sources.previousTokenKey) : null;
    const connections = keyring ? new ConnectionDbStore(panoramaStore(), keyring, () => clock.now(), s.sources.tokenFile ? new FileTokenStore(s.sources.tokenFile) : null) : null;
    const runtime = sourcesRuntimeFrom(s.sources, {
      clock,
      // a secret a vendor hands over in a webhook handshake is kept sealed in the own store, the same for every
      // instance; without an encryption key it stays in this process's memory (the vendor's next handshake sets it)
      ...(keyring ? { webhookSecrets: new WebhookSecretDbStore(panoramaStore(), keyring, () => clock.now()) } : {}),
      ...(connections ? { tokenStore: connections } : {}),
    });
    // every read of every path (pages, /graphql, search) goes through this yoga: its audit lands in the own store
    const audit = new AuditStore(panoramaStore());
    // the admins' link decisions live in the same store, and every read applies them
    const decisions = new LinkDecisionDbStore(panoramaStore());
    const yoga = createPanoramaYoga(runtime, { graphiql: s.app.graphiql, settings: s.graphql, audit, decisions });
    // another instance refreshed a customer, or a vendor's webhook changed one: reused answers would be older
    runtime.onPeerInvalidation(() => yoga.responseCache.clear());
    globalThis.__panorama = { runtime, audit, yoga, webhookAudit: new WebhookAuditStore(panoramaStore()), connections };
    if (connections) {
      // tokens are read (and re-sealed after a key rotation) before the first refresh needs them
      void connections.start().then(
        ({ resealed, unreadable }) => {
          if (resealed || unreadable.length) logger.info({ resealed, unreadable }, 'connections: tokens read from the own store');
          warmInBackground(runtime);
        },
        (e: unknown) => {
          logger.warn({ err: errorForLog(e) }, 'connections: reading the own store failed');
          warmInBackground(runtime);
        },
      );
    } else warmInBackground(runtime);
    keepRetention(runtime, audit);
  }
  return globalThis.__panorama;
}

/**
 * Panorama's clock: the system's, except on its own sandbox pinned to SANDBOX_TODAY, where it starts on that day
 * (and then runs) so overdue invoices, aging and flags agree with the sandbox's world.
 */
export function clockFor(env: Record<string, string | undefined>): Clock {
  return env.PANORAMA_SANDBOX_ORIGIN && env.SANDBOX_TODAY ? clockAt(env.SANDBOX_TODAY) : systemClock;
}

/** Removes audit records past PANORAMA_AUDIT_RETENTION_DAYS now and then every six hours. */
function keepRetention(runtime: SourcesRuntime, audit: AuditStore): void {
  const days = authSettings().PANORAMA_AUDIT_RETENTION_DAYS;
  const run = () => {
    const now = runtime.clock.now();
    audit.prune(now - days * 86_400_000, now).then(
      (removed) => (removed ? logger.info({ removed, days }, 'audit retention') : undefined),
      (e: unknown) => logger.warn({ err: errorForLog(e) }, 'audit retention failed'),
    );
  };
  run();
  setInterval(run, 6 * 3_600_000).unref();
}

/** Fire and forget: an index that fails to load is logged and loaded again later, never a start-up failure. */
function warmInBackground(runtime: SourcesRuntime): void {
  try {
    const started = performance.now();
    runtime.keepIndexesWarm();
    void runtime
      .upkeep()
      .then(
        ({ role, results }) =>
          logger.info({ ms: Math.round(performance.now() - started), role, indexes: results.map((r) => ({ source: r.source, ok: r.ok, rows: r.rows, code: r.code })) }, 'indexes warm'),
        (e: unknown) => logger.warn({ err: errorForLog(e) }, 'warming the indexes failed'),
      )
      .then(() => checkCredentials(runtime));
  } catch (e) {
    logger.warn({ err: errorForLog(e) }, 'warming the indexes failed');
  }
}

/**
 * The credential scope check of every connected source, once the indexes are warm: a credential that can write,
 * or reach less than Panorama reads, is logged (its state only) and shown on the admin page.
 */
async function checkCredentials(runtime: SourcesRuntime): Promise<void> {
  await Promise.all(runtime.list.filter((s) => s.configured).map((s) => s.checkAccess()));
  for (const s of runtime.list) {
    const r = s.access();
    if (!r || r.state === 'READ_ONLY' || r.state === 'NOT_CHECKED') continue;
    // a credential that can write only because its vendor has no narrower grant is noted, not warned
    const actionable = r.state !== 'CAN_WRITE' || r.grants.some((g) => g.verdict === 'MORE' && g.narrower);
    logger[actionable ? 'warn' : 'info']({ source: s.id, state: r.state, checkError: r.checkError }, 'credential scope check');
  }
}

// In the production server build this module is evaluated when the app starts: build the runtime then, so the
// indexes are loading before the first request. A bad setting throws here, and the server does not start.
if (import.meta.env?.PROD && !process.env.VITEST) panorama();
