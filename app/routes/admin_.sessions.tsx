import { Button, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { ROLE_LABELS, canRead, isRole } from '../../graphql/policy.js';
import type { Viewer } from '../../graphql/viewer.js';
import { assertSameOrigin } from '../.server/same-origin.js';
import { forbidden } from '../.server/refusal.js';
import { requireViewer, sessions } from '../.server/session.js';

export const meta: MetaFunction = () => [{ title: 'Sessions · Admin · Panorama' }];

function requireAdmin(viewer: Viewer): void {
  if (!canRead(viewer.role, 'ADMIN')) throw forbidden(viewer.role, { name: 'session lists', group: 'ADMIN' });
}

export async function loader({ request }: LoaderFunctionArgs) {
  requireAdmin(await requireViewer(request));
  const active = await (await sessions()).active();
  const byPerson = new Map<string, { personId: string; name: string; email: string; role: string; count: number; lastSeenAt: number; since: number }>();
  for (const s of active) {
    const p = byPerson.get(s.personId) ?? { personId: s.personId, name: s.name, email: s.email, role: s.role, count: 0, lastSeenAt: s.lastSeenAt, since: s.createdAt };
    p.count += 1;
    p.lastSeenAt = Math.max(p.lastSeenAt, s.lastSeenAt);
    p.since = Math.min(p.since, s.createdAt);
    byPerson.set(s.personId, p);
  }
  return { people: [...byPerson.values()].map((p) => ({ ...p, roleLabel: isRole(p.role) ? ROLE_LABELS[p.role] : p.role, lastSeenAt: new Date(p.lastSeenAt).toISOString(), since: new Date(p.since).toISOString() })) };
}

export async function action({ request }: ActionFunctionArgs) {
  assertSameOrigin(request);
  requireAdmin(await requireViewer(request));
  const personId = String((await request.formData()).get('personId') ?? '').slice(0, 255);
  if (!personId) return data({ message: 'Say whose sessions to end (personId).' }, { status: 400 });
  const ended = await (await sessions()).revokePerson(personId);
  return { message: `Ended ${ended} session${ended === 1 ? '' : 's'} of ${personId}.` };
}

/** The admin's list of who is signed in, with a button to end all of one person's sessions at once. */
export default function AdminSessions() {
  const { people } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <Stack gap="md" maw={1100} mx="auto">
      <Title order={1}>Sessions</Title>
      <Text c="dimmed">Everyone signed in now. Ending a person's sessions signs them out everywhere at their next click.</Text>
      {result ? (
        <Text role="status">{result.message}</Text>
      ) : null}
      <Table striped data-testid="sessions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Sessions</Table.Th>
            <Table.Th>Signed in since</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th>
              <VisuallyHidden>Action</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((p) => (
            <Table.Tr key={p.personId}>
              <Table.Td>
                {p.name} <Text span c="dimmed" size="sm">({p.email})</Text>
              </Table.Td>
              <Table.Td>{p.roleLabel}</Table.Td>
              <Table.Td>{p.count}</Table.Td>
              <Table.Td>{p.since.replace('T', ' ').slice(0, 16)} UTC</Table.Td>
              <Table.Td>{p.lastSeenAt.replace('T', ' ').slice(0, 16)} UTC</Table.Td>
              <Table.Td>
                <Form method="post">
                  <input type="hidden" name="personId" value={p.personId} />
                  <Button type="submit" size="xs" color="red" variant="light" aria-label={`End sessions of ${p.name}`}>
                    End sessions
                  </Button>
                </Form>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
