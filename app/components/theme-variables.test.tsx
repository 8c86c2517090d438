import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { theme } from '../theme.js';
import { THEME_CSS, ThemeVariables } from './theme-variables.js';

const stylesOf = (html: string) => [...html.matchAll(/<style data-mantine-styles="true"[^>]*>(.*?)<\/style>/gs)].map((m) => m[1]);

describe("the theme's CSS variables, computed once", () => {
  it("are the style element Mantine's provider renders for this theme", () => {
    const mantine = renderToStaticMarkup(
      <MantineProvider theme={theme} getStyleNonce={() => 'n1'}>
        <p />
      </MantineProvider>
    );
    const ours = renderToStaticMarkup(
      <MantineProvider theme={theme} getStyleNonce={() => 'n1'} withCssVariables={false}>
        <ThemeVariables nonce="n1" />
        <p />
      </MantineProvider>
    );
    expect(stylesOf(mantine)).toEqual([THEME_CSS]);
    expect(THEME_CSS).toContain('--mantine-primary-color-filled: var(--mantine-color-indigo-filled)');
    expect(THEME_CSS).toContain('--mantine-font-family-headings: system-ui');
    expect(stylesOf(ours)).toEqual([THEME_CSS]);
    expect(mantine.match(/<style data-mantine-styles="true" nonce="n1">/g)).toHaveLength(1);
    expect(ours.match(/<style data-mantine-styles="true" nonce="n1">/g)).toHaveLength(1);
  });
});
