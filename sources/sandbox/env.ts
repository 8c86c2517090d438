import { REGISTERED_MODULES } from '../modules.js';

/**
 * The environment that points Panorama's real clients at a sandbox served at `origin`: the same variables an
 * operator sets for the real vendors, as each registered module declares them for its sandbox (`sandboxEnv`).
 */
export function sandboxEnv(origin: string): Record<string, string> {
  const base = origin.replace(/\/$/, '');
  return Object.assign({}, ...REGISTERED_MODULES.map((m) => m.sandboxEnv(base))) as Record<string, string>;
}

/** The variables that carry a token, as each module's connect flow names them: left out when an admin connects the sources instead (SANDBOX_TOKENS=connect). */
export function sandboxTokenVariables(): string[] {
  return REGISTERED_MODULES.flatMap((m) => ('connect' in m && m.connect ? [...m.connect.tokenVariables] : []));
}

/** The sandbox's environment without its tokens: every source is then "not connected" until an admin connects it. */
export function sandboxEnvWithoutTokens(origin: string): Record<string, string> {
  const env = sandboxEnv(origin);
  for (const k of sandboxTokenVariables()) delete env[k];
  return env;
}
