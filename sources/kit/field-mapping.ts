import type { SourceId } from './errors.js';

/**
 * A vendor field Panorama reads that is not standard in the vendor's API: its name comes from a setting, and the
 * vendor is asked (describe, custom field settings, organization fields) whether it exists with a usable type.
 */
export type FieldSpec = {
  /** What the field is for, in Panorama's words ("Account tier"). */
  label: string;
  /** The vendor object that holds it (shown to admins with the field name). */
  object: string;
  /** The setting that names the field. */
  setting: string;
  /** The configured field name; null when the setting turns it off. */
  field: string | null;
  /** Vendor types the mapping accepts. */
  types: readonly string[];
  /** What Panorama does without it, as an admin reads it. */
  without: string;
  /**
   * Before the vendor has said whether the field exists: `use` it as configured (a custom field the admin named),
   * or `skip` it (a standard field only some orgs have, which a query must not name unless it is there). @default 'use'
   */
  untilChecked?: 'use' | 'skip';
};

/**
 * FOUND: present with an accepted type. MISSING: the vendor has no such field (or the integration user may not
 * see it). WRONG_TYPE: present, but of a type the mapping cannot read. OFF: the setting is empty. NOT_CHECKED:
 * the vendor has not been asked yet, or could not answer (the field is used as configured until then).
 */
export type FieldMappingState = 'FOUND' | 'MISSING' | 'WRONG_TYPE' | 'OFF' | 'NOT_CHECKED';

export type FieldMappingEntry = FieldSpec & {
  key: string;
  source: SourceId;
  state: FieldMappingState;
  /** The type the vendor reported, when the field exists. */
  foundType: string | null;
};

export type FieldMappingReport = {
  source: SourceId;
  /** When the vendor was last asked (ms since the epoch, the runtime's clock); null before the first check. */
  checkedAt: number | null;
  /** Why the last check could not be made (a shared error code), or null. */
  checkError: string | null;
  fields: FieldMappingEntry[];
};

/** What a vendor said exists: field name → its type, per object. */
export type VendorFields = Record<string, ReadonlyMap<string, string>>;

/**
 * One source's field mapping, shared by every request of a runtime: which configured fields may go into a query.
 * Before the first check every configured field is used as configured; after it only FOUND ones are.
 */
export class FieldMap<K extends string> {
  readonly source: SourceId;
  readonly #specs: Record<K, FieldSpec>;
  #states: Record<K, { state: FieldMappingState; foundType: string | null }>;
  #checkedAt: number | null = null;
  #checkError: string | null = null;

  constructor(source: SourceId, specs: Record<K, FieldSpec>) {
    this.source = source;
    this.#specs = specs;
    this.#states = this.#initial();
  }

  #initial(): Record<K, { state: FieldMappingState; foundType: string | null }> {
    const out = {} as Record<K, { state: FieldMappingState; foundType: string | null }>;
    for (const key of this.keys()) out[key] = { state: this.#specs[key].field ? 'NOT_CHECKED' : 'OFF', foundType: null };
    return out;
  }

  keys(): K[] {
    return Object.keys(this.#specs) as K[];
  }

  spec(key: K): FieldSpec {
    return this.#specs[key];
  }

  state(key: K): FieldMappingState {
    return this.#states[key].state;
  }

  /** The field name to read, or null when it is off, missing or of the wrong type. */
  field(key: K): string | null {
    const { state } = this.#states[key];
    const spec = this.#specs[key];
    if (state === 'NOT_CHECKED') return spec.untilChecked === 'skip' ? null : spec.field;
    return state === 'FOUND' ? spec.field : null;
  }

  /** Records what the vendor said exists; names compare without case, as the vendors resolve them. */
  apply(found: VendorFields, at: number): void {
    const next = this.#initial();
    for (const key of this.keys()) {
      const spec = this.#specs[key];
      if (!spec.field) continue;
      const fields = found[spec.object];
      const type = fields ? lookup(fields, spec.field) : undefined;
      if (type === undefined) next[key] = { state: 'MISSING', foundType: null };
      else next[key] = { state: spec.types.includes(type) ? 'FOUND' : 'WRONG_TYPE', foundType: type };
    }
    this.#states = next;
    this.#checkedAt = at;
    this.#checkError = null;
  }

  /** The vendor could not be asked: what was known stays (or stays unchecked), and the reason is shown. */
  failed(code: string): void {
    this.#checkError = code;
  }

  report(): FieldMappingReport {
    return {
      source: this.source,
      checkedAt: this.#checkedAt,
      checkError: this.#checkError,
      fields: this.keys().map((key) => ({ ...this.#specs[key], key, source: this.source, ...this.#states[key] })),
    };
  }
}

function lookup(fields: ReadonlyMap<string, string>, name: string): string | undefined {
  const exact = fields.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [k, v] of fields) if (k.toLowerCase() === lower) return v;
  return undefined;
}
