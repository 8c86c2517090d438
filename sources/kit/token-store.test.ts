import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTokenStore, MemoryTokenStore } from './token-store.js';

describe('token stores', () => {
  it('keep the newest refresh token per source', async () => {
    const m = new MemoryTokenStore();
    expect(m.load('quickbooks')).toBeNull();
    await m.save('quickbooks', 'a');
    await m.save('quickbooks', 'b');
    expect(m.load('quickbooks')).toBe('b');
  });

  it('persist to a private file that survives a new store', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'panorama-tokens-')), 'tokens.json');
    await new FileTokenStore(file).save('quickbooks', 'rotated-1');
    await new FileTokenStore(file).save('salesforce', 'sf');
    const again = new FileTokenStore(file);
    expect(again.load('quickbooks')).toBe('rotated-1');
    expect(again.load('salesforce')).toBe('sf');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ quickbooks: 'rotated-1', salesforce: 'sf' });
  });
});
