import { createContext, useContext } from 'react';

/**
 * This response's CSP nonce: set by entry.server from the edge's load context, and in the browser read back
 * from the scripts that carry it (entry.client), so Scripts, ScrollRestoration, Mantine's colour-scheme script
 * and the `<style>` elements Mantine adds later all carry the nonce the policy names.
 */
export const NonceContext = createContext<string | undefined>(undefined);

export const useNonce = (): string | undefined => useContext(NonceContext);
