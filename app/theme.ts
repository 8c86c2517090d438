import { Anchor, Table, createTheme } from '@mantine/core';

/** Panorama's Mantine theme (the plain components of `components/plain.tsx` render as it does). */
export const theme = createTheme({
  primaryColor: 'indigo',
  // shade 8 keeps white text on filled buttons above 4.5:1
  primaryShade: { light: 8, dark: 7 },
  components: {
    // links in running text must not rely on colour alone
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // a table that scrolls sideways on a phone can be scrolled from the keyboard too (WCAG 2.1.1)
    TableScrollContainer: Table.ScrollContainer.extend({ defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } } }),
  },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});
