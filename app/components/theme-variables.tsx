/**
 * The theme's CSS variables, computed once. Mantine's provider computes them on every render (its resolver over
 * the whole theme, then the defaults removed and the rest written out: ~2 % of a customer page's server
 * rendering), though they depend on the theme alone. The root renders the provider without them and this in
 * their place; `theme-variables.test.tsx` holds it to what the provider itself renders for this theme.
 */
import { DEFAULT_THEME, convertCssVariables, defaultCssVariablesResolver, mergeMantineTheme, type ConvertCSSVariablesInput } from '@mantine/core';
import { theme } from '../theme.js';

type Variables = Record<string, string>;

/** The entries that differ from Mantine's defaults (the defaults are in its stylesheet), as Mantine leaves them out. */
const withoutDefaults = (own: Variables, defaults: Variables): Variables =>
  Object.fromEntries(Object.entries(own).filter(([k, v]) => defaults[k] !== v));

function themeCss(): string {
  // The default theme as Mantine ships it. mergeMantineTheme writes a theme's font into the headings object it
  // shares with DEFAULT_THEME, so once any provider has rendered, DEFAULT_THEME's headings carry this theme's
  // font; Mantine's defaults are its headings in its own font, which is its body font.
  const pristine = { ...DEFAULT_THEME, headings: { ...DEFAULT_THEME.headings, fontFamily: DEFAULT_THEME.fontFamily } };
  const own = defaultCssVariablesResolver(mergeMantineTheme({ ...pristine, headings: { ...pristine.headings } }, theme)) as ConvertCSSVariablesInput;
  const defaults = defaultCssVariablesResolver(pristine) as ConvertCSSVariablesInput;
  return convertCssVariables({
    variables: withoutDefaults(own.variables, defaults.variables),
    light: withoutDefaults(own.light, defaults.light),
    dark: withoutDefaults(own.dark, defaults.dark),
  });
}

export const THEME_CSS = themeCss();

/** In MantineProvider's place for its variables (`withCssVariables={false}`): the same style element. */
export function ThemeVariables({ nonce }: { nonce?: string }) {
  return THEME_CSS ? <style data-mantine-styles="true" nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_CSS }} /> : null;
}
