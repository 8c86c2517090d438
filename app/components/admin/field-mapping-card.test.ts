import { describe, expect, it } from 'vitest';
import { advice, type SourceFieldMapping } from './field-mapping-card.js';

const base: SourceFieldMapping['fields'][number] = {
  key: 'tier',
  label: 'Account tier',
  object: 'Account',
  setting: 'CRM_TIER_FIELD',
  field: 'account_tier',
  state: 'FOUND',
  foundType: 'picklist',
  accepted: ['string', 'picklist'],
  without: 'Customer pages say the tier is not mapped.',
};

describe('field mapping advice', () => {
  it('says nothing for a field found or not yet checked', () => {
    expect(advice(base, 'The CRM')).toBeNull();
    expect(advice({ ...base, state: 'NOT_CHECKED', foundType: null }, 'The CRM')).toBeNull();
  });
  it('a missing field: which source lacks it, what Panorama does instead, and the setting to change', () => {
    const a = advice({ ...base, state: 'MISSING', foundType: null }, 'The CRM')!;
    expect(a).toContain('The CRM has no field account_tier on Account');
    expect(a).toContain('Customer pages say the tier is not mapped.');
    expect(a).toContain('set CRM_TIER_FIELD');
  });
  it('a field of the wrong type: its type and the types Panorama reads', () => {
    const a = advice({ ...base, state: 'WRONG_TYPE', foundType: 'double' }, 'The CRM')!;
    expect(a).toContain('account_tier is a double field; Panorama reads string or picklist');
    expect(a).toContain('CRM_TIER_FIELD');
  });
  it('a mapping turned off names the setting that turns it on', () => {
    expect(advice({ ...base, state: 'OFF', field: null, foundType: null }, 'The CRM')).toContain('Set CRM_TIER_FIELD to turn it on');
  });
});
