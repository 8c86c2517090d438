import { appSettings } from './app-settings.js';
import { signInSettingsFragment } from './auth-settings.js';
import { edgeSettings } from './edge-settings.js';
import { graphqlSettings } from '../../graphql/settings.js';
import { ConfigError } from '../../sources/kit/config.js';
import { describeIssues, envFragment, parseFragments, variablesOf, type Env, type FragmentValue } from '../../sources/kit/settings.js';
import { sandboxEnvSchema } from '../../sources/sandbox/settings.js';
import { anySourceConfigured, sourcesSettings } from '../../sources/settings.js';

/**
 * Every part of Panorama's settings, by name: `settings().<name>` is what that fragment parsed. A new group
 * of settings is a fragment (`envFragment(z.object({ VARIABLE: … }))`) in its own file, registered here; the
 * README's table and `.env.example` must then list its variables (test/integration/settings-variables.test.ts checks).
 */
export const SETTINGS_FRAGMENTS = {
  app: appSettings,
  graphql: graphqlSettings,
  sources: sourcesSettings,
  sandbox: envFragment(sandboxEnvSchema),
  signIn: envFragment(signInSettingsFragment),
  edge: edgeSettings,
};

export type Settings = { [K in keyof typeof SETTINGS_FRAGMENTS]: FragmentValue<(typeof SETTINGS_FRAGMENTS)[K]> };

/** Every variable Panorama reads, and the families of variables (`…_<ENTITY>_SECONDS`). */
export const SETTINGS_VARIABLES = variablesOf(SETTINGS_FRAGMENTS);

/**
 * Parses every fragment; a missing or bad value throws one ConfigError naming each variable and the form it
 * expects. Rules that span fragments are checked here.
 */
export function parseSettings(env: Env): Settings {
  const settings = parseFragments(SETTINGS_FRAGMENTS, env) as Settings;
  const { app, sources } = settings;
  // A random secret signs sessions only for the sandbox (started by Panorama) or in development.
  if (app.production && !app.sessionSecret && anySourceConfigured(sources) && !sources.sandboxOrigin) {
    throw new ConfigError(
      describeIssues([{ variable: 'SESSION_SECRET', message: 'is required in production with sources configured: set it to at least 32 random characters (only the built-in sandbox, or PANORAMA_MODE=development, runs without one)' }], env),
    );
  }
  return settings;
}

declare global {
  // eslint-disable-next-line no-var
  var __panoramaSettings: Settings | undefined;
}

/**
 * The process's settings: those app/server/start.ts parsed before anything listened (handed over on
 * globalThis, since the Remix build is a bundle of its own), or, where nothing started the server (tests),
 * the environment parsed now.
 */
export function settings(): Settings {
  globalThis.__panoramaSettings ??= parseSettings(process.env);
  return globalThis.__panoramaSettings;
}

/** Hands the parsed settings to the server build (called by app/server/start.ts). */
export function installSettings(s: Settings): void {
  globalThis.__panoramaSettings = s;
}
