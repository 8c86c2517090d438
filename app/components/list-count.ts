/** What a list says of the system it is read from. */
type ListStatus = { state: string; source: { name: string } };

/**
 * Whether a list's own system did not answer and nothing was kept from before: its counts are then zeros that mean
 * "not known", not "none", and the list must not say "0 urgent tickets" or "No ticket matches these filters".
 */
export function listUnanswered(status: ListStatus): boolean {
  return status.state === 'FAILED';
}

/** A list's count line, or, when its system did not answer, that nothing could be counted: "Urgent tickets cannot…". */
export function countLine(status: ListStatus, what: string, counted: () => string): string {
  if (!listUnanswered(status)) return counted();
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} cannot be counted or listed while ${status.source.name} is not answering.`;
}
