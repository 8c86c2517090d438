import { SourceError, sourceName, type SourceId } from './errors.js';
import type { TokenStore } from './token-store.js';

/** Where an admin connects a source whose token is not in the environment. */
export const CONNECTIONS_PATH = '/admin/connections';

/** The error every call of a source without a token meets: what the section shows instead of failing obscurely. */
export function notConnected(source: SourceId): SourceError {
  const name = sourceName(source);
  return new SourceError(source, 'NOT_CONFIGURED', `${name} is not connected (no token in the environment or the connections store)`, {
    userMessage: `${name} is not connected: an admin connects it on ${CONNECTIONS_PATH}.`,
  });
}

/**
 * A source's token, asked for at each call rather than once when the client is built: the one from the environment
 * wins; else the connection an admin made (the store's, read at start-up and replaced on connect/disconnect).
 */
export function tokenFrom(source: SourceId, envToken: string | null, tokens: TokenStore): () => string | null {
  return () => envToken ?? tokens.load(source);
}
