import { graphql, type ResultOf } from "../../graphql.js";
import {
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { Form } from "@remix-run/react";
import { formatAge } from "../format.js";

/** Each source's credential scope check as the admin page receives it (graphql `credentialAccess`). */
export const CREDENTIAL_ACCESS_FIELDS = graphql(`
  fragment CredentialAccessFields on SourceAccess {
    system
    name
    state
    principal
    checkedAt
    checkedAgeSeconds
    checkError
    grants {
      subject
      needs
      has
      verdict
      narrower
      advice
    }
  }
`);

export type SourceAccess = ResultOf<typeof CREDENTIAL_ACCESS_FIELDS>;
type Grant = SourceAccess["grants"][number];

export const ACCESS_STATE: Record<
  SourceAccess["state"],
  { label: string; color: string }
> = {
  READ_ONLY: { label: "Read only", color: "green" },
  CAN_WRITE: { label: "More than needed", color: "orange" },
  REACHES_LESS: { label: "Less than needed", color: "red" },
  UNKNOWN: { label: "Not reported", color: "gray" },
  NOT_CHECKED: { label: "Not checked", color: "gray" },
};

const VERDICT: Record<Grant["verdict"], { label: string; color: string }> = {
  MATCHES: { label: "As needed", color: "green" },
  MORE: { label: "More", color: "orange" },
  LESS: { label: "Less", color: "red" },
  UNKNOWN: { label: "Not reported", color: "gray" },
};

/** The sentence beside a source's state: what it means for the admin. */
export function accessSummary(a: SourceAccess): string {
  const more = a.grants.filter((g) => g.verdict === "MORE");
  switch (a.state) {
    case "READ_ONLY":
      return `The credential can read what Panorama shows and nothing more.`;
    case "CAN_WRITE":
      return more.some((g) => g.narrower)
        ? `Warning: the credential can write or reach more than Panorama reads, and ${a.name} offers a narrower grant.`
        : `The credential can write: ${a.name} offers nothing narrower that still reads this data. Panorama never writes.`;
    case "REACHES_LESS":
      return `Warning: the credential cannot reach all Panorama reads, so some records will be missing.`;
    case "UNKNOWN":
      return `${a.name} did not say everything the credential may do.`;
    default:
      return a.checkError
        ? `${a.name} could not be asked (${a.checkError}).`
        : "Not checked yet.";
  }
}

/** One source's grants: what Panorama needs and what the credential has, with what to change. */
export function AccessGrants({
  access,
  caption,
}: {
  access: SourceAccess;
  caption: string;
}) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table fz="sm" verticalSpacing={4} striped layout="fixed">
        <VisuallyHidden component="caption">{caption}</VisuallyHidden>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="24%">For</Table.Th>
            <Table.Th w="22%">Needs</Table.Th>
            <Table.Th w="38%">Has</Table.Th>
            <Table.Th w="16%">Verdict</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {access.grants.map((g) => (
            <Table.Tr
              key={g.subject}
              data-testid={`access-${access.system}-${g.subject}`}
            >
              <Table.Td>{g.subject}</Table.Td>
              <Table.Td>{g.needs}</Table.Td>
              <Table.Td>
                {g.has}
                {g.advice ? (
                  <Text size="xs" c="dimmed">
                    {g.advice}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <Badge color={VERDICT[g.verdict].color} variant="light">
                  {VERDICT[g.verdict].label}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The credential scope check of every source: needs / has, warnings, and a check now per source. */
export function AccessCard({ sources }: { sources: SourceAccess[] }) {
  return (
    <Card
      withBorder
      component="section"
      aria-labelledby="access-heading"
      data-testid="credential-access"
      mt="md"
    >
      <Title order={2} size="h4" id="access-heading" mb={4}>
        Credential scope
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        What each credential may do, as its system reports it, against what
        Panorama needs: to read. Checked at start-up and on “Check now”.
      </Text>
      <Stack gap="md">
        {sources.map((a) => (
          <div
            key={a.system}
            aria-labelledby={`access-${a.system}`}
            role="group"
            data-testid={`access-${a.system}`}
          >
            <Group justify="space-between" mb={4}>
              <Group gap="xs">
                <Title order={3} size="h5" id={`access-${a.system}`}>
                  {a.name}
                </Title>
                <Badge color={ACCESS_STATE[a.state].color} variant="light">
                  {ACCESS_STATE[a.state].label}
                </Badge>
              </Group>
              <Group gap="xs">
                <Text size="xs" c="dimmed">
                  {a.checkedAgeSeconds === null
                    ? "Not checked yet"
                    : `Checked ${formatAge(a.checkedAgeSeconds)}`}
                </Text>
                <Form method="post" replace>
                  <input type="hidden" name="system" value={a.system} />
                  <Button
                    type="submit"
                    size="compact-xs"
                    variant="light"
                    aria-label={`Check now: ${a.name} credential scope`}
                  >
                    Check now
                  </Button>
                </Form>
              </Group>
            </Group>
            <Text size="sm" mb={4}>
              {accessSummary(a)}
              {a.principal ? ` Acts as ${a.principal}.` : ""}
            </Text>
            {a.checkError && a.grants.length ? (
              <Text
                size="sm"
                c="var(--mantine-color-orange-light-color)"
                mb={4}
              >
                The last check could not reach {a.name} ({a.checkError}); this
                is what it said before.
              </Text>
            ) : null}
            {a.grants.length ? (
              <AccessGrants
                access={a}
                caption={`${a.name}: what Panorama needs and what the credential has`}
              />
            ) : null}
          </div>
        ))}
      </Stack>
    </Card>
  );
}
