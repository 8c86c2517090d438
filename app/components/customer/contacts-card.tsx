import { Badge as MantineBadge } from '@mantine/core';
import { Anchor, Badge, Group, Stack, Text } from '../plain.js';
import { SourceSection } from '../source-section.js';
import type { Customer } from './query.js';

const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

/** Who to talk to: primary contacts first, each a tap away by phone or e-mail. */
export function ContactsCard({ customer }: { customer: Customer }) {
  const crm = customer.crm;
  const status = customer.sections.find((s) => s.source.category === 'CRM');
  return (
    <SourceSection title="Contacts" status={status} recordUrl={crm?.account.url} testId="section-crm">
      {crm ? (
        <Stack gap="xs">
          {crm.account.phone || crm.account.website ? (
            <Text size="sm">
              {crm.account.phone ? <Anchor href={telHref(crm.account.phone)} className="pn-target">{crm.account.phone}</Anchor> : null}
              {crm.account.phone && crm.account.website ? ' · ' : ''}
              {crm.account.website ? (
                <Anchor href={crm.account.website} target="_blank" rel="noreferrer" className="pn-target">
                  {crm.account.website.replace(/^https?:\/\//, '')}
                </Anchor>
              ) : null}
            </Text>
          ) : null}
          {crm.account.billingAddress ? <Text size="sm">{crm.account.billingAddress.formatted}</Text> : null}
          <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {crm.contacts.map((c) => (
              <li key={c.id}>
                <Group gap={6} wrap="wrap">
                  <Anchor href={c.url} target="_blank" rel="noreferrer" fw={500} size="sm" className="pn-target">
                    {c.name}
                  </Anchor>
                  {c.primary ? (
                    <MantineBadge size="xs" variant="outline" color="indigo">
                      Primary
                    </MantineBadge>
                  ) : null}
                  {c.title ? (
                    <Text span size="xs" c="dimmed">
                      {c.title}
                    </Text>
                  ) : null}
                </Group>
                <Text size="xs">
                  {c.phone ? (
                    <Anchor href={telHref(c.phone)} aria-label={`${c.phone}, call ${c.name}`} className="pn-target">
                      {c.phone}
                    </Anchor>
                  ) : null}
                  {c.phone && c.email ? ' · ' : ''}
                  {c.email ? (
                    <Anchor href={`mailto:${c.email}`} aria-label={`${c.email}, e-mail ${c.name}`} className="pn-target">
                      {c.email}
                    </Anchor>
                  ) : null}
                </Text>
              </li>
            ))}
          </Stack>
        </Stack>
      ) : null}
    </SourceSection>
  );
}
