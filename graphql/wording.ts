import { systemById, systemName, type SourceCategory, type Systems } from '../sources/kit/contract.js';
import type { RecordRef } from './facts.js';
import type { ConflictRule } from './conflict-rules.js';
import type { ConflictField } from './flags.js';
import type { HealthGap, HealthKey } from './health.js';
import { money } from './money.js';
import type { RedactedFlag, RedactedHealthInput, RedactedTimelineEvent } from './redact.js';

/**
 * The words a person reads, one formatter per kind, written only from facts the role policy has already
 * redacted: a fact that is null here was withheld (or never known), and the words leave it out.
 */

const FIELD_LABEL: Record<ConflictField, string> = { name: 'Name', billingAddress: 'Billing address', email: 'Billing e-mail', phone: 'Phone', domain: 'Web domain' };

/** Each comparison rule in words: what it compares and what counts as a real difference. */
export const RULE_TEXT: Record<ConflictRule, string> = {
  EMAIL_COMPANY_DOMAIN: 'e-mail addresses are compared by company domain: another mailbox at the same domain is the same company; another domain is a conflict',
  EMAIL_PERSONAL_MAIL: 'a personal-mail address (such as gmail.com) says nothing about the company: a different address there is worth a look',
  ADDRESS_STREET: 'addresses are compared after case, punctuation, spacing, abbreviations (Street/St, Avenue/Ave, Suite/Ste), country names and codes and postcode spacing: another street or number is a conflict',
  ADDRESS_LOCALITY: 'addresses are compared after case, punctuation, spacing, abbreviations, country names and codes and postcode spacing: another city, region, postcode or country is a conflict',
  PHONE_E164: 'phone numbers are compared in international (E.164) form: formatting alone is no conflict; another number is',
  LEGAL_NAME: 'names are compared without legal suffixes (Inc, LLC, Ltd, GmbH, L.L.P.), case, punctuation, “&”/“and” and accents: any other difference is a conflict',
  WEB_DOMAIN: 'the web domain is compared with the domains the support organization lists',
};

/** The quiet note beside a value that is the same thing written differently. */
export function formattedDifferently(rule: ConflictRule): string {
  return rule === 'EMAIL_COMPANY_DOMAIN' ? 'another mailbox at the same company domain' : 'formatted differently';
}
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const name = (r: RecordRef | null) => r?.name ?? null;

/** A record's label: its own name, in the form its system shows it. */
export function recordLabel(r: RecordRef, systems: Systems): string {
  const SYSTEM = (id: string) => systemName(systems, id);
  // what the record is to Panorama (ticket, invoice, account …), whatever its system calls it
  switch (r.kind) {
    case 'ticket':
      return r.name ? `#${r.recordId} ${r.name}` : `Ticket #${r.recordId}`;
    case 'invoice':
      return `Invoice ${r.name ?? r.recordId}`;
    case 'payment':
      return `Payment ${r.recordId}`;
    case 'account':
      return r.name ?? `${SYSTEM(r.source)} account`;
    case 'customer':
    case 'organization':
      return r.name ?? `${SYSTEM(r.source)} record`;
    default:
      return r.name ?? `${r.entity} ${r.recordId}`;
  }
}

export function flagMessage(f: RedactedFlag, systems: Systems): string {
  const SYSTEM = (id: string) => systemName(systems, id);
  switch (f.kind) {
    case 'CONFLICT': {
      const x = f.facts;
      if (!x.field || !x.systemOfRecord || !x.otherSystem) return 'Two systems hold different values for a mastered field.';
      const why = x.rule ? ` Rule: ${RULE_TEXT[x.rule]}.` : '';
      return `${FIELD_LABEL[x.field]} differs: ${SYSTEM(x.systemOfRecord)} (the system of record) has “${x.recordValue ?? '—'}”, ${SYSTEM(x.otherSystem)} has “${x.otherValue ?? '—'}”.${why}`;
    }
    case 'WON_DEAL_WITHOUT_PROJECT': {
      const x = f.facts;
      const deal = name(x.deal);
      if (deal && x.daysSinceWon !== null && x.wonOn) {
        return `Deal “${deal}” was won ${x.daysSinceWon} days ago (${inWords(x.wonOn)}) and no project has been started for it in ${systems.projects.name}.`;
      }
      return `A deal won${x.graceDays !== null ? ` more than ${plural(x.graceDays, 'day')} ago` : ''} has no project started for it in ${systems.projects.name}.`;
    }
    case 'MILESTONE_NOT_INVOICED': {
      const x = f.facts;
      const milestone = name(x.milestone);
      const project = name(x.project);
      const what = milestone ? `Milestone “${milestone}”${project ? ` of ${project}` : ''}` : 'A milestone';
      return `${what} was completed${x.completedOn ? ` on ${inWords(x.completedOn)}` : ''}, and ${systems.accounting.name} has no invoice dated on or after it${
        x.lastInvoiceOn ? ` (the last one is from ${inWords(x.lastInvoiceOn)})` : ''
      }.`;
    }
    case 'ON_HOLD_NOTHING_OVERDUE': {
      const x = f.facts;
      const project = name(x.project);
      const held = `${project ? `Project ${project}` : 'A project'} is on hold${x.projectStatusText ? ` (“${x.projectStatusText}”)` : ''}`;
      // Rule: nothing is overdue. Money still open but not yet due is said as such, never as "paid up".
      const open =
        x.openInvoiceCount === null
          ? ''
          : x.openInvoiceCount === 0
            ? '; nothing is open either'
            : `; ${x.openBalance ? money(x.openBalance) : 'a balance'} is open on ${plural(x.openInvoiceCount, 'invoice')}, not yet due`;
      return `${held}, but the customer has no overdue invoices in ${systems.accounting.name}${open}.`;
    }
    case 'RULE_NOT_CHECKED': {
      const x = f.facts;
      const system = x.unavailableSystem ? SYSTEM(x.unavailableSystem) : systems.projects.name;
      return `Couldn't check whether won deals have a project: ${system} unavailable.`;
    }
    case 'OVERDUE_WITH_URGENT_TICKETS': {
      const x = f.facts;
      const owed = x.overdueAmount ? `${money(x.overdueAmount)} is overdue` : 'An overdue balance';
      const invoices = x.overdueInvoiceCount !== null ? ` on ${plural(x.overdueInvoiceCount, 'invoice')}` : '';
      const tickets =
        x.urgentTicketCount !== null ? `${x.urgentTicketCount} urgent ticket${x.urgentTicketCount === 1 ? ' is' : 's are'} open` : 'urgent tickets are open';
      return `${owed}${invoices} while ${tickets}: handle the support issue before chasing payment.`;
    }
  }
}

const DAY_IN_WORDS = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "4 Jun 2026" for a day ("2026-06-04") or an instant: what people read is never ISO. */
export function inWords(iso: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? iso : DAY_IN_WORDS.format(d);
}

const DAY_MONTH = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "2 Dec" within the year of `now` (the request's, from the runtime's clock), "2 Dec 2025" before it. */
export function dayInWords(at: number, now: Date): string {
  const d = new Date(at);
  return d.getUTCFullYear() === now.getUTCFullYear() ? DAY_MONTH.format(d) : DAY_IN_WORDS.format(d);
}

const DECISION_VERB = { CONFIRM: 'confirmed', PICK: 'picked', REJECT: 'rejected', LINK: 'linked by hand' } as const;

/** "confirmed by Morgan on 2 Dec": what a section says of the admin's decision behind its link. */
export function decisionText(d: { kind: keyof typeof DECISION_VERB; byName: string; at: number }, now: Date): string {
  const who = d.byName.trim().split(/\s+/)[0] || d.byName;
  return `${DECISION_VERB[d.kind]} by ${who} on ${dayInWords(d.at, now)}`;
}

export const HEALTH_LABEL: Record<HealthKey, string> = {
  OVERDUE_BALANCE: 'Overdue invoices',
  URGENT_TICKETS: 'Urgent open tickets',
  OPEN_TICKETS: 'Open tickets',
  SATISFACTION: 'Satisfaction ratings',
  PROJECT_STATUS: 'Projects off track or at risk',
  OVERDUE_TASKS: 'Overdue tasks',
  HANDOFF_GAPS: 'Hand-off gaps',
};

/** What each category's data is called on the customer page, in plain words. */
const CATEGORY_WORD: Record<SourceCategory, string> = { crm: 'account', accounting: 'billing', projects: 'projects', support: 'support' };

/**
 * Why the health score is not given, from the gaps: "Incomplete: billing unavailable (Books)". The system's
 * name comes from the data.
 */
export function healthIncomplete(gaps: readonly HealthGap[], systems: Systems): string | null {
  if (!gaps.length) return null;
  const parts = gaps.map((g) => {
    const sys = systemById(systems, g.source);
    const word = sys ? CATEGORY_WORD[sys.category] : g.source;
    const name = sys?.name ?? g.source;
    return g.reason === 'UNAVAILABLE' ? `${word} unavailable (${name})` : `${word} ambiguous (${name} has more than one record that may be this customer)`;
  });
  return `Incomplete: ${parts.join('; ')}`;
}

const WITHHELD = 'Not shown to your role';

export function healthDetail(i: RedactedHealthInput, systems: Systems): string {
  switch (i.key) {
    case 'OVERDUE_BALANCE': {
      const { overdueInvoiceCount: n, oldestDaysOverdue: d } = i.facts;
      if (n === null) return WITHHELD;
      return n ? `${n} overdue${d !== null ? `, the oldest ${d} days past due` : ''}` : 'Nothing overdue';
    }
    case 'URGENT_TICKETS':
      if (i.facts.count === null) return WITHHELD;
      return i.facts.count ? `${plural(i.facts.count, 'urgent ticket')} open` : 'None';
    case 'OPEN_TICKETS':
      return i.facts.count === null ? WITHHELD : `${i.facts.count} open`;
    case 'SATISFACTION': {
      const { good, bad } = i.facts;
      if (good === null || bad === null) return WITHHELD;
      return good + bad ? `${good} good, ${bad} bad` : 'No ratings yet';
    }
    case 'PROJECT_STATUS': {
      const t = i.facts.troubledProjects;
      if (t === null) return WITHHELD;
      if (!t.length) return i.impact ? WITHHELD : 'All on track';
      return t.map((p) => `${p.project.name ?? 'A project'}: ${p.status === 'OFF_TRACK' ? 'off track' : 'at risk'}`).join('; ');
    }
    case 'OVERDUE_TASKS':
      return i.facts.count === null ? WITHHELD : plural(i.facts.count, 'overdue task');
    case 'HANDOFF_GAPS': {
      const shown = (i.facts.gaps ?? []).map((g) => flagMessage(g, systems));
      if (i.facts.hiddenGaps) shown.push(`${plural(i.facts.hiddenGaps, shown.length ? 'more gap' : 'gap')} not shown to your role.`);
      return shown.length ? shown.join(' ') : 'None';
    }
  }
}

const VERB = { TICKET_OPENED: 'opened', TICKET_SOLVED: 'solved' } as const;

export function timelineTitle(e: RedactedTimelineEvent): string {
  const amount = e.amount ? money(e.amount) : null;
  switch (e.type) {
    case 'DEAL_WON':
    case 'DEAL_LOST':
      return `Deal ${e.type === 'DEAL_WON' ? 'won' : 'lost'}${e.record?.name ? `: ${e.record.name}` : ''}${amount ? ` (${amount})` : ''}`;
    case 'INVOICE_ISSUED':
      return `Invoice ${e.record?.name ?? e.record?.recordId ?? ''} issued${amount ? `: ${amount}` : ''}`;
    case 'PAYMENT_RECEIVED':
      return `Payment received${amount ? `: ${amount}` : ''}`;
    case 'PROJECT_CREATED':
      return `Project started${e.record?.name ? `: ${e.record.name}` : ''}`;
    case 'MILESTONE_COMPLETED':
      return `Milestone completed${e.record?.name ? `: ${e.record.name}` : ''}${e.project?.name ? ` (${e.project.name})` : ''}`;
    case 'TICKET_OPENED':
    case 'TICKET_SOLVED':
      return `Ticket${e.record ? ` #${e.record.recordId}` : ''} ${VERB[e.type]}${e.record?.name ? `: ${e.record.name}` : ''}`;
  }
}
