/**
 * Mantine's Text, Anchor, Badge, Group, Stack, Title, Skeleton, NavLink, table parts and section cards, for what a page renders many
 * times: the markup Mantine renders for these props (its classes, data attributes and CSS variables, so its
 * stylesheet styles them alike), without its per-element theme hooks and style-prop parsing. A customer page
 * renders some 400 of them, and they were the largest part of its server rendering (docs/performance.md, "Server
 * rendering"). Each takes only the props it renders as Mantine does, and `plain.test.tsx` holds each to Mantine's
 * own markup for them.
 */
import {
  Anchor as MantineAnchor,
  Badge as MantineBadge,
  Card as MantineCard,
  Group as MantineGroup,
  NavLink as MantineNavLink,
  Stack as MantineStack,
  Paper as MantinePaper,
  Skeleton as MantineSkeleton,
  Table as MantineTable,
  Text as MantineText,
  Title as MantineTitle,
  UnstyledButton as MantineUnstyledButton,
} from '@mantine/core';
import type { AnchorHTMLAttributes, CSSProperties, ElementType, ReactNode } from 'react';

type Size = 'xs' | 'sm' | 'md' | 'lg' | 'xl';
/** A theme spacing or a number of pixels, as Mantine's `mt`/`mb`/`w` take them. */
type Space = Size | number;

const TEXT_CLASS = `mantine-focus-auto ${MantineText.classes.root} mantine-Text-root`;
const ANCHOR_CLASS = `mantine-focus-auto ${MantineAnchor.classes.root} ${MantineText.classes.root} mantine-Text-root mantine-Anchor-root`;

/** Mantine's `rem()`: pixels as rem scaled by the theme. */
const rem = (px: number) => (px === 0 ? '0rem' : `calc(${px / 16}rem * var(--mantine-scale))`);
const space = (v: Space) => (typeof v === 'number' ? rem(v) : `var(--mantine-spacing-${v})`);
/** `dimmed`, or a CSS value (the callers pass `var(--mantine-color-…)`). */
const color = (c: string) => (c === 'dimmed' ? 'var(--mantine-color-dimmed)' : c);

type TextProps = {
  children?: ReactNode;
  size?: Size;
  /** `dimmed` or a CSS colour value. */
  c?: string;
  fw?: number;
  mt?: Space;
  mb?: Space;
  w?: number;
  span?: boolean;
  component?: 'p' | 'span' | 'div' | 'li';
  style?: CSSProperties;
  role?: string;
  'aria-live'?: 'polite' | 'assertive' | 'off';
  'data-testid'?: string;
};

function textStyle({ size, c, fw, mt, mb, w, style }: Pick<TextProps, 'size' | 'c' | 'fw' | 'mt' | 'mb' | 'w' | 'style'>): CSSProperties | undefined {
  const s: Record<string, string | number> = {};
  if (size) {
    s['--text-fz'] = `var(--mantine-font-size-${size})`;
    s['--text-lh'] = `var(--mantine-line-height-${size})`;
  }
  if (mt !== undefined) s.marginTop = space(mt);
  if (mb !== undefined) s.marginBottom = space(mb);
  if (w !== undefined) s.width = rem(w);
  if (c) s.color = color(c);
  if (fw !== undefined) s.fontWeight = fw;
  Object.assign(s, style);
  return Object.keys(s).length ? (s as CSSProperties) : undefined;
}

/** Mantine's `<Text>` for size, colour, weight and margins. */
export function Text({ children, size, c, fw, mt, mb, w, span, component, style, ...rest }: TextProps) {
  const Tag = component ?? (span ? 'span' : 'p');
  return (
    <Tag style={textStyle({ size, c, fw, mt, mb, w, style })} className={TEXT_CLASS} data-size={size} {...rest}>
      {children}
    </Tag>
  );
}

/** Mantine's `<Anchor>` as a plain link (the app's theme underlines links always; a route's link stays Mantine's `<Anchor component={Link}>`). */
export function Anchor({
  children,
  size,
  c,
  fw,
  style,
  className,
  ...rest
}: Pick<TextProps, 'children' | 'size' | 'c' | 'fw' | 'style' | 'data-testid'> &
  Pick<AnchorHTMLAttributes<HTMLAnchorElement>, 'href' | 'target' | 'rel' | 'className' | 'aria-label'>) {
  return (
    <a
      style={textStyle({ size, c, fw, style })}
      className={className ? ANCHOR_CLASS.replace('mantine-focus-auto', `mantine-focus-auto ${className}`) : ANCHOR_CLASS}
      data-size={size}
      data-underline="always"
      {...rest}
    >
      {children}
    </a>
  );
}

/** Mantine's light `<Badge>` in a theme colour. */
export function Badge({
  children,
  color: c = 'blue',
  size,
  style,
  title,
  'data-testid': testId,
}: {
  children?: ReactNode;
  /** Only light badges are plain (the default of Mantine's, filled, is not). */
  variant: 'light';
  color?: string;
  size?: Size;
  style?: CSSProperties;
  title?: string;
  'data-testid'?: string;
}) {
  const s: Record<string, string | number> = {};
  if (size) {
    s['--badge-height'] = `var(--badge-height-${size})`;
    s['--badge-padding-x'] = `var(--badge-padding-x-${size})`;
    s['--badge-fz'] = `var(--badge-fz-${size})`;
  }
  s['--badge-bg'] = `var(--mantine-color-${c}-light)`;
  s['--badge-color'] = `var(--mantine-color-${c}-light-color)`;
  s['--badge-bd'] = `${rem(1)} solid transparent`;
  Object.assign(s, style);
  return (
    <div
      style={s as CSSProperties}
      className={`${MantineBadge.classes.root} mantine-Badge-root`}
      data-variant="light"
      data-size={size}
      data-testid={testId}
      title={title}
    >
      <span className={`${MantineBadge.classes.label} mantine-Badge-label`}>{children}</span>
    </div>
  );
}

type Flex = {
  children?: ReactNode;
  gap?: Space;
  mt?: Space;
  mb?: Space;
  component?: 'div' | 'ul' | 'ol' | 'li';
  style?: CSSProperties;
  'aria-hidden'?: 'true';
  'data-testid'?: string;
};
type CSSAlign = 'center' | 'flex-start' | 'flex-end' | 'baseline' | 'stretch';

function flexStyle(vars: Record<string, string>, { mt, mb, style }: Flex): CSSProperties {
  const s: Record<string, string | number> = { ...vars, ...style };
  if (mt !== undefined) s.marginTop = space(mt);
  if (mb !== undefined) s.marginBottom = space(mb);
  return s as CSSProperties;
}

/** Mantine's `<Group>`: a row. */
export function Group({
  gap = 'md',
  align = 'center',
  justify = 'flex-start',
  wrap = 'wrap',
  component: Tag = 'div',
  children,
  mt,
  mb,
  style,
  ...rest
}: Flex & { align?: CSSAlign; justify?: 'flex-start' | 'space-between' | 'flex-end' | 'center'; wrap?: 'wrap' | 'nowrap' }) {
  const vars = { '--group-gap': space(gap), '--group-align': align, '--group-justify': justify, '--group-wrap': wrap };
  return (
    <Tag style={flexStyle(vars, { mt, mb, style })} className={`${MantineGroup.classes.root} mantine-Group-root`} {...rest}>
      {children}
    </Tag>
  );
}

/** Mantine's `<Stack>`: a column. */
export function Stack({ gap = 'md', component: Tag = 'div', children, mt, mb, style, ...rest }: Flex) {
  const vars = { '--stack-gap': space(gap), '--stack-align': 'stretch', '--stack-justify': 'flex-start' };
  return (
    <Tag style={flexStyle(vars, { mt, mb, style })} className={`${MantineStack.classes.root} mantine-Stack-root`} {...rest}>
      {children}
    </Tag>
  );
}

type Heading = 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6';

/** Mantine's `<Title>`: a heading of one order, in the size of another (`size`) if given. */
export function Title({
  order,
  size,
  mb,
  children,
  ...rest
}: {
  order: 1 | 2 | 3 | 4 | 5 | 6;
  size?: Heading;
  mb?: Space;
  id?: string;
  children?: ReactNode;
  'data-testid'?: string;
}) {
  const Tag = `h${order}` as const;
  const h = size ?? Tag;
  const s: Record<string, string> = { '--title-fw': `var(--mantine-${h}-font-weight)`, '--title-lh': `var(--mantine-${h}-line-height)`, '--title-fz': `var(--mantine-${h}-font-size)` };
  if (mb !== undefined) s.marginBottom = space(mb);
  return (
    <Tag style={s as CSSProperties} className={`${MantineTitle.classes.root} mantine-Title-root`} data-size={size} data-order={order} {...rest}>
      {children}
    </Tag>
  );
}

/**
 * A page section as Mantine's `<Card withBorder radius="md" padding="md" component="section">`, the card every
 * section of the customer page is (no `Card.Section`s inside: Mantine's card would mark their first and last).
 */
export function SectionCard({
  children,
  ...rest
}: {
  children?: ReactNode;
  'aria-labelledby': string;
  'aria-busy'?: 'true';
  'data-testid'?: string;
  'data-state'?: string;
  'data-waiting'?: string;
}) {
  return (
    <section
      style={SECTION_CARD_STYLE}
      className={`${MantineCard.classes.root} mantine-Card-root ${MantinePaper.classes.root} mantine-Paper-root`}
      data-with-border="true"
      {...rest}
    >
      {children}
    </section>
  );
}
const SECTION_CARD_STYLE = { '--paper-radius': 'var(--mantine-radius-md)', '--card-padding': 'var(--mantine-spacing-md)' } as CSSProperties;

/** Mantine's `<Skeleton>`: a grey line standing for text not read yet. */
export function SkeletonLine({ height, width }: { height: number; width: string }) {
  const style = { '--skeleton-height': rem(height), '--skeleton-width': width, '--skeleton-radius': 'var(--mantine-radius-sm)' } as CSSProperties;
  return <div style={style} className={`${MantineSkeleton.classes.root} mantine-Skeleton-root`} data-visible="true" data-animate="true" />;
}

const NAV = MantineNavLink.classes;
const NAV_LINK_CLASS = `mantine-focus-auto ${NAV.root} mantine-NavLink-root ${MantineUnstyledButton.classes.root} mantine-UnstyledButton-root`;

/** Mantine's `<NavLink>` with a label only (no icon, description or nested links): a link of the main navigation. */
export function NavLink({
  component: Tag = 'a',
  label,
  active,
  ...rest
}: {
  /** The link element: `a`, or the router's `Link` (with `to`). */
  component?: ElementType;
  label: ReactNode;
  active?: boolean;
  to?: string;
  href?: string;
  'aria-current'?: 'page';
}) {
  return (
    <Tag className={NAV_LINK_CLASS} data-active={active || undefined} {...rest}>
      <div className={`${NAV.body} mantine-NavLink-body`}>
        <span className={`${NAV.label} mantine-NavLink-label`}>{label}</span>
        <span className={`${NAV.description} mantine-NavLink-description`} data-active={active || undefined} />
      </div>
    </Tag>
  );
}

const TABLE = MantineTable.classes;
type Align = 'left' | 'right';

/** The parts of a striped Mantine `<Table>` with row borders (its root stays Mantine's, which sets their variables). */
export const TablePart = {
  Thead: ({ children }: { children: ReactNode }) => <thead className={`${TABLE.thead} mantine-Table-thead`}>{children}</thead>,
  Tbody: ({ children }: { children: ReactNode }) => <tbody className={`${TABLE.tbody} mantine-Table-tbody`}>{children}</tbody>,
  Tr: ({ children, 'data-testid': testId }: { children: ReactNode; 'data-testid'?: string }) => (
    <tr className={`${TABLE.tr} mantine-Table-tr`} data-with-row-border="true" data-striped="odd" data-testid={testId}>
      {children}
    </tr>
  ),
  Th: ({ children, ta }: { children: ReactNode; ta: Align }) => (
    <th style={{ textAlign: ta }} className={`${TABLE.th} mantine-Table-th`}>
      {children}
    </th>
  ),
  Td: ({ children, ta, style, 'data-label': label }: { children: ReactNode; ta: Align; style?: CSSProperties; 'data-label'?: string }) => (
    <td style={{ ...style, textAlign: ta }} className={`${TABLE.td} mantine-Table-td`} data-label={label}>
      {children}
    </td>
  ),
};
