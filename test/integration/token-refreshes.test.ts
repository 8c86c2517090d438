/**
 * Token refreshes are counted per source and outcome (`panorama_token_refreshes_total`): a failed one means an admin
 * must reconnect that source, so operators can alert on it beside Panorama's own RECONNECT_NEEDED alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { metricsRegistry } from '../../sources/kit/metrics.js';
import { sourceTestKit, testSandbox } from '../../sources/kit/testing.js';
import { QuickbooksClient } from '../../sources/quickbooks/client.server.js';
import { quickbooksSource } from '../../sources/quickbooks/index.js';
import { salesforceSource } from '../../sources/salesforce/index.js';

const sandbox = testSandbox({ sources: ['salesforce', 'quickbooks'] });
const sf = sourceTestKit(salesforceSource, { sandbox });
const qbo = sourceTestKit(quickbooksSource, { sandbox });
beforeAll(() => sandbox.listen());
afterAll(() => sandbox.close());

async function refreshes(source: string, outcome: 'ok' | 'failed'): Promise<number> {
  const text = await metricsRegistry.getSingleMetricAsString('panorama_token_refreshes_total');
  const m = text.match(new RegExp(`^panorama_token_refreshes_total\\{source="${source}",outcome="${outcome}"\\} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : 0;
}

describe('panorama_token_refreshes_total', () => {
  it('Salesforce: a refresh that works counts ok, a refused one counts failed', async () => {
    const [ok, failed] = [await refreshes('salesforce', 'ok'), await refreshes('salesforce', 'failed')];
    await sf.client().query('SELECT Id FROM User', z.object({ Id: z.string() }).passthrough());
    expect(await refreshes('salesforce', 'ok')).toBe(ok + 1);
    await expect(sf.client({ env: { SALESFORCE_REFRESH_TOKEN: 'revoked' } }).query('SELECT Id FROM User', z.object({ Id: z.string() }))).rejects.toThrow();
    expect(await refreshes('salesforce', 'failed')).toBe(failed + 1);
    expect(await refreshes('salesforce', 'ok')).toBe(ok + 1);
  });

  it('QuickBooks: the same, for its rotating refresh token', async () => {
    const [ok, failed] = [await refreshes('quickbooks', 'ok'), await refreshes('quickbooks', 'failed')];
    const config = qbo.config();
    await new QuickbooksClient(config, { refreshToken: [...sandbox.state.refreshTokens.quickbooks][0]! }).query('Customer', "WHERE Id = '1'");
    expect(await refreshes('quickbooks', 'ok')).toBe(ok + 1);
    await expect(new QuickbooksClient(config, { refreshToken: 'rotated-away' }).query('Customer', "WHERE Id = '1'")).rejects.toThrow();
    expect(await refreshes('quickbooks', 'failed')).toBe(failed + 1);
  });
});
