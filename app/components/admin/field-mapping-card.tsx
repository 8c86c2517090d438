import { graphql, type ResultOf } from '../../graphql.js';
import { Badge, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { Form } from '@remix-run/react';
import { formatAge } from '../format.js';

/** One source's mapped vendor fields as the admin page receives them (graphql `fieldMappings`). */
export const FIELD_MAPPINGS_FIELDS = graphql(`
  fragment FieldMappingsFields on Query {
  fieldMappings { system name checkedAt checkedAgeSeconds checkError fields { key label object setting field state foundType accepted without } }
  }
`);

export type SourceFieldMapping = ResultOf<typeof FIELD_MAPPINGS_FIELDS>['fieldMappings'][number];


const STATE: Record<SourceFieldMapping['fields'][number]['state'], { label: string; color: string }> = {
  FOUND: { label: 'Found', color: 'green' },
  MISSING: { label: 'Missing', color: 'red' },
  WRONG_TYPE: { label: 'Wrong type', color: 'orange' },
  OFF: { label: 'Off', color: 'gray' },
  NOT_CHECKED: { label: 'Not checked', color: 'gray' },
};

/** What the admin reads beside a field that is not usable: what it is, and what to change. */
export function advice(f: SourceFieldMapping['fields'][number], source: string): string | null {
  switch (f.state) {
    case 'MISSING':
      return `${source} has no field ${f.field} on ${f.object}. ${f.without} To use it, set ${f.setting} to the field's name.`;
    case 'WRONG_TYPE':
      return `${f.field} is a ${f.foundType} field; Panorama reads ${f.accepted.join(' or ')}. ${f.without} Set ${f.setting} to a field of that type.`;
    case 'OFF':
      return `${f.without} Set ${f.setting} to turn it on.`;
    default:
      return null;
  }
}

/** Each source's mapping of vendor fields, found / missing / wrong type, with the setting to change and a check now. */
export function FieldMappingCard({ mappings }: { mappings: SourceFieldMapping[] }) {
  return (
    <Card withBorder component="section" aria-labelledby="field-mapping-heading" data-testid="field-mapping">
      <Title order={2} size="h4" id="field-mapping-heading" mb={4}>
        Field mapping
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Fields Panorama reads that each system names as it likes. Each is checked against the system at start-up and on “Check now”; a field
        that is missing or of the wrong type is left out of every query.
      </Text>
      <Stack gap="md">
        {mappings.map((m) => (
          <div key={m.system} aria-labelledby={`fm-${m.system}`} role="group">
            <Group justify="space-between" mb={4}>
              <Title order={3} size="h5" id={`fm-${m.system}`}>
                {m.name}
              </Title>
              <Group gap="xs">
                <Text size="xs" c="dimmed">
                  {m.checkedAgeSeconds === null ? 'Not checked yet' : `Checked ${formatAge(m.checkedAgeSeconds)}`}
                </Text>
                <Form method="post" replace>
                  <input type="hidden" name="system" value={m.system} />
                  <Button type="submit" size="compact-xs" variant="light" aria-label={`Check now: ${m.name} field mapping`}>
                    Check now
                  </Button>
                </Form>
              </Group>
            </Group>
            {m.checkError ? (
              <Text size="sm" c="var(--mantine-color-orange-light-color)" mb={4}>
                {m.name} could not be asked ({m.checkError}); fields are used as configured until it answers.
              </Text>
            ) : null}
            <Table.ScrollContainer minWidth={640}>
              {/* one column layout for every source, so the tables line up */}
              <Table fz="sm" verticalSpacing={4} striped layout="fixed">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w="30%">Used for</Table.Th>
                    <Table.Th w="26%">Field</Table.Th>
                    <Table.Th w="12%">State</Table.Th>
                    <Table.Th w="32%">Setting</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {m.fields.map((f) => {
                    const note = advice(f, m.name);
                    return (
                      <Table.Tr key={f.key} data-testid={`field-${m.system}-${f.key}`}>
                        <Table.Td>
                          {f.label}
                          {note ? (
                            <Text size="xs" c="dimmed">
                              {note}
                            </Text>
                          ) : null}
                        </Table.Td>
                        <Table.Td>
                          {f.field ? <Code>{f.field}</Code> : '—'}
                          <Text size="xs" c="dimmed">
                            on {f.object}
                            {f.foundType ? ` · ${f.foundType}` : ''}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Badge color={STATE[f.state].color} variant="light">
                            {STATE[f.state].label}
                          </Badge>
                        </Table.Td>
                        <Table.Td style={{ overflowWrap: 'anywhere' }}>
                          <Code>{f.setting}</Code>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </div>
        ))}
      </Stack>
    </Card>
  );
}
