/**
 * The tables of Panorama's own store. It never holds customer data: only Panorama's own records (sessions now;
 * the read audit, link decisions and vendor connections belong here too). Times are milliseconds since the
 * epoch in `bigint` columns, which SQLite and PostgreSQL both hold.
 */
export type StoreTables = {
  session: SessionTable;
  audit_record: AuditTable;
  audit_anchor: { id: number; seq: number; hash: string; at: number };
  link_decision: LinkDecisionTable;
  webhook_delivery: WebhookDeliveryTable;
  webhook_secret: { source: string; secret: string; at: number };
  connection: ConnectionTable;
};

/** One webhook delivery received (see sources/runtime.ts `WebhookDelivery`); `entities` is JSON. */
export type WebhookDeliveryTable = {
  id: string;
  at: number;
  source: string;
  outcome: string;
  verified: number;
  reason: string | null;
  entities: string;
  dropped: number;
};

/** A vendor connection made through the connections page; `token_blob` is the sealed refresh token. */
export type ConnectionTable = {
  source: string;
  token_blob: string;
  person_id: string;
  person_name: string;
  connected_at: number;
  last_refresh_at: number | null;
  last_error: string | null;
};

/** An admin's link decision (confirm, pick, reject, link by hand); undone decisions stay, marked with who and when. */
export type LinkDecisionTable = {
  id: string;
  seq: number;
  kind: string;
  /** The source module's id of the system the record lives in. */
  system: string;
  account_id: string;
  record_id: string;
  reason: string | null;
  person_id: string;
  person_name: string;
  at: number;
  undone_at: number | null;
  undone_by_id: string | null;
  undone_by_name: string | null;
  undo_reason: string | null;
};

/** One read, append-only; `hash` = SHA-256 over the previous record's hash and this record's fields. */
export type AuditTable = {
  seq: number;
  at: number;
  request_id: string;
  person_id: string | null;
  role: string | null;
  operation: string;
  /** JSON array of ids. */
  customer_ids: string;
  customer_count: number;
  /** JSON array of field groups. */
  field_groups: string;
  errors: number;
  reused: number;
  prev_hash: string;
  hash: string;
};

export type SessionTable = {
  /** SHA-256 of the cookie's random id: a copy of the store does not hand out sessions. */
  id_hash: string;
  person_id: string;
  email: string;
  name: string;
  role: string;
  /** How the person signed in: `demo` (sandbox only) or `oidc`. */
  method: string;
  created_at: number;
  last_seen_at: number;
  /** When the session was ended (logout, an admin, or expiry noticed); null while it lasts. */
  revoked_at: number | null;
  revoked_reason: string | null;
};
