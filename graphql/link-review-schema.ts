import { createGraphQLError } from 'graphql-yoga';
import { linkedEntity, linkedEntityOf, systemById, type SystemInfo } from '../sources/kit/contract.js';
import { isSourceError, type SourceId } from '../sources/kit/errors.js';
import type { PanoramaContext } from './context.js';
import { canonicalAccountId, linkState, reviewQueue, type IdentityMatcher, type LinkedCategory } from './identity.js';
import { LINK_DECISION_KINDS, type LinkDecision, type LinkDecisionKind } from './link-decisions.js';
import { readsOf } from './read-tracking.js';
import { decisionText } from './wording.js';

/**
 * The identity review queue and the admins' link decisions: confirm a probable link, pick one candidate of an
 * ambiguous set, reject a link, link an unlinked record by hand — each with an optional reason, kept in
 * Panorama's own store and applied on every read; undone the same way.
 */
export const linkReviewTypeDefs = /* GraphQL */ `
  extend type Query {
    "Records to review: probable links to confirm, ambiguous candidates, broken ids, orphans, and records no rule ties to a customer."
    identityReview: [ReviewItem!]! @access(group: ADMIN)
    "The link decisions in force, newest first; a decision whose records have gone is flagged (needsReview)."
    linkDecisions: [LinkDecision!]! @access(group: ADMIN)
  }

  type Mutation {
    "Records an admin's decision about one link (never written to the system the record lives in)."
    decideLink(input: LinkDecisionInput!): LinkDecision! @access(group: ADMIN)
    "Undoes a decision in force: the link is again as the rules find it."
    undoLinkDecision(id: ID!, reason: String): LinkDecision! @access(group: ADMIN)
  }

  "CONFIRM a probable link, PICK one candidate of an ambiguous set, REJECT a link, LINK an unlinked record by hand."
  enum LinkDecisionKind { ${LINK_DECISION_KINDS.join(' ')} }

  input LinkDecisionInput {
    kind: LinkDecisionKind!
    "The system the record lives in (not the CRM: its account is the customer)."
    system: System!
    "The customer (the CRM's account id, in either of its forms)."
    accountId: ID!
    recordId: ID!
    "Why, in a sentence (optional, up to 500 characters)."
    reason: String
  }

  type LinkDecision {
    id: ID!
    kind: LinkDecisionKind!
    system: System!
    accountId: ID!
    accountName: String
    recordId: ID!
    recordName: String
    reason: String
    "Who decided (the person's name)."
    by: String!
    "When (ISO 8601, Panorama's clock)."
    at: String!
    "In words, as sections show it: confirmed by Morgan on 2 Dec."
    text: String!
    "The account or the record it ties has gone: someone has to look at it again."
    needsReview: Boolean!
    reviewReason: String
  }

  "BROKEN: the customer holds an id naming no record there. ORPHAN: the record points at an account the CRM does not have."
  enum ReviewKind { PROBABLE AMBIGUOUS UNLINKED BROKEN ORPHAN }
  type ReviewItem {
    kind: ReviewKind!
    system: System!
    accountId: ID
    accountName: String
    records: [LinkCandidate!]!
    "BROKEN: the id the customer holds; ORPHAN: the account id the record holds."
    pointsAt: ID
    "What is wrong, in words: link broken, the accounting system has no customer 4711."
    message: String
  }
`;

const SYSTEM = (s: SourceId) => s.toUpperCase();
const MAX_REASON = 500;

function badInput(message: string): never {
  throw createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Whether a decision's account and record still exist (unknown, and so not flagged, while an index is missing). */
function reviewOf(ctx: PanoramaContext, matcher: IdentityMatcher, d: LinkDecision): { needsReview: boolean; reviewReason: string | null; accountName: string | null; recordName: string | null } {
  const systems = ctx.runtime.systems;
  const system = systemById(systems, d.source);
  const account = matcher.account(d.accountId);
  const record = system && system.category !== 'crm' ? matcher.record(system.category as LinkedCategory, d.recordId) : undefined;
  const gone: string[] = [];
  if (account === null) gone.push(`${systems.crm.name} no longer has account ${d.accountId}`);
  if (record === null && system) gone.push(`${system.name} no longer has ${linkedEntity(systems, system.category).toLowerCase()} ${d.recordId}`);
  return { needsReview: gone.length > 0, reviewReason: gone.length ? `${gone.join('; ')}.` : null, accountName: account?.name ?? null, recordName: record?.name ?? null };
}

function decisionOut(ctx: PanoramaContext, matcher: IdentityMatcher | null, d: LinkDecision) {
  const review = matcher ? reviewOf(ctx, matcher, d) : { needsReview: false, reviewReason: null, accountName: null, recordName: null };
  return { ...d, ...review };
}

/** The linked system a decision is about, from the System enum value. */
function linkedSystem(ctx: PanoramaContext, value: string): SystemInfo & { category: LinkedCategory } {
  const system = systemById(ctx.runtime.systems, value.toLowerCase());
  if (!system || system.category === 'crm') {
    const allowed = (['accounting', 'projects', 'support'] as const).map((c) => SYSTEM(ctx.runtime.systems[c].id)).join(', ');
    badInput(`system must be a system whose records link to customers (${allowed}), got ${value}.`);
  }
  return system as SystemInfo & { category: LinkedCategory };
}

/** Who holds this record by an exact id (the customer's own id of it, or the record's id of the customer). */
function exactOwner(matcher: IdentityMatcher, category: LinkedCategory, recordId: string): string | null {
  return matcher.ownerOf(category, recordId)?.rule === 'EXACT_ID' ? matcher.ownerOf(category, recordId)!.accountId : null;
}

async function decideLink(ctx: PanoramaContext, input: { kind: LinkDecisionKind; system: string; accountId: string; recordId: string; reason?: string | null }) {
  const systems = ctx.runtime.systems;
  const system = linkedSystem(ctx, input.system);
  const category = system.category;
  const ids = systems.crm.accountIds!;
  const rawAccount = input.accountId.trim();
  if (!ids.recognise(rawAccount)) badInput(`accountId "${rawAccount.slice(0, 40)}" is not a customer id: expected ${ids.form}.`);
  const accountId = ids.canonical(rawAccount) ?? badInput(`accountId "${rawAccount}" is not a valid ${ids.name} (its last three characters do not match the first fifteen).`);
  const recordId = input.recordId.trim();
  if (!recordId || recordId.length > 100) badInput('recordId must be the id of a record, 1 to 100 characters.');
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > MAX_REASON) badInput(`reason is limited to ${MAX_REASON} characters, got ${reason.length}.`);

  const matcher = await ctx.identity();
  const account = matcher.account(accountId);
  if (!account) badInput(`${systems.crm.name} has no account ${accountId}.`);
  const entity = linkedEntity(systems, category).toLowerCase();
  const record = matcher.record(category, recordId);
  if (record === undefined) {
    throw createGraphQLError(`${system.name} could not be read, so ${entity} ${recordId} cannot be checked now; try again in a moment.`, { extensions: { code: 'UNAVAILABLE', source: system.id } });
  }
  if (record === null) badInput(`${system.name} has no ${entity} ${recordId}.`);

  const many = system.links.manyPerCustomer;
  const candidates = matcher.candidates(category, { id: account.id, name: account.name, website: account.website });
  const isCandidate = candidates.some((c) => c.recordId === recordId);
  const state = linkState(many, false, candidates);
  const owner = exactOwner(matcher, category, recordId);
  const decided = matcher.decisions.linkOf(system.id, recordId);
  const ownExact = category === 'accounting' ? account.accountingCustomerId && matcher.record('accounting', account.accountingCustomerId) : matcher.exactIdsFor(category, accountId).length > 0;
  const pair = `${system.name} ${entity} ${recordId} (${record.name}) and ${account.name}`;
  switch (input.kind) {
    case 'CONFIRM':
      if (!isCandidate) badInput(`${pair} are not a probable link: only a probable link can be confirmed.`);
      if (state === 'AMBIGUOUS') badInput(`${pair} are one of ${candidates.length} candidates: pick one (PICK) rather than confirm.`);
      break;
    case 'PICK':
      if (state !== 'AMBIGUOUS' || !isCandidate) badInput(`${pair} are not one of an ambiguous set of candidates: only such a candidate can be picked.`);
      break;
    case 'REJECT':
      if (owner === accountId) badInput(`${pair} are linked by an id held in ${owner === accountId && category === 'accounting' ? systems.crm.name : system.name}: correct the id there; Panorama never writes to it.`);
      if (!isCandidate && decided?.accountId !== accountId) badInput(`${pair} are not linked: there is nothing to reject.`);
      break;
    case 'LINK':
      if (owner) badInput(`${system.name} ${entity} ${recordId} is already linked by id to ${matcher.account(owner)?.name ?? owner}.`);
      if (!many && ownExact) badInput(`${account.name} already has a ${system.name} ${entity} linked by id.`);
      break;
    default:
      badInput(`kind must be one of ${LINK_DECISION_KINDS.join(', ')}.`);
  }
  const decision = await ctx.decisionStore.record({
    kind: input.kind,
    source: system.id,
    accountId,
    recordId,
    reason,
    byId: ctx.viewer.id,
    byName: ctx.viewer.name,
    at: Math.round(ctx.runtime.clock.now()),
  });
  // the answers reused a moment ago no longer hold; the audit records the customer the decision is about
  ctx.forgetReusedAnswers();
  readsOf(ctx).customerIds.add(accountId);
  return decisionOut(ctx, null, decision);
}

type DecisionOut = LinkDecision & Partial<ReturnType<typeof reviewOf>>;

export const linkReviewResolvers = {
  // from a decision as the store keeps it (sections pass it on as it is)
  LinkDecision: {
    system: (d: DecisionOut) => SYSTEM(d.source),
    by: (d: DecisionOut) => d.byName,
    at: (d: DecisionOut) => new Date(d.at).toISOString(),
    text: (d: DecisionOut, _: unknown, ctx: PanoramaContext) => decisionText(d, ctx.now),
    needsReview: (d: DecisionOut) => d.needsReview ?? false,
    reviewReason: (d: DecisionOut) => d.reviewReason ?? null,
    accountName: (d: DecisionOut) => d.accountName ?? null,
    recordName: (d: DecisionOut) => d.recordName ?? null,
  },
  Query: {
    identityReview: async (_: unknown, __: unknown, ctx: PanoramaContext) => {
      const [accounts, customers, orgs, projects] = await Promise.allSettled([
        ctx.loaders.crm.accountIndex(),
        ctx.loaders.accounting.customerIndex(),
        ctx.loaders.support.organizationIndex(),
        ctx.loaders.projects.projectIndex(),
      ]);
      if (accounts.status === 'rejected') {
        // nothing to review before the CRM is connected (/admin/connections says so, and the source's card)
        if (isSourceError(accounts.reason) && accounts.reason.code === 'NOT_CONFIGURED') return [];
        throw accounts.reason;
      }
      const ok = <T>(r: PromiseSettledResult<{ value: T }>): T | null => (r.status === 'fulfilled' ? r.value.value : null);
      const [decisions, matcher] = await Promise.all([ctx.decisions(), ctx.identity()]);
      // the request's shared matcher (the same cached indexes and decisions): the queue and the pages agree by construction
      const items = reviewQueue(ctx.runtime.systems, { accounts: accounts.value.value, accountingCustomers: ok(customers), organizations: ok(orgs), projects: ok(projects), decisions }, matcher);
      const sys = ctx.runtime.systems;
      const candidate = (source: SourceId, c: { recordId: string; name: string; rules?: string[]; confidence?: number }) => ({
        recordId: c.recordId,
        name: c.name,
        rules: c.rules ?? [],
        confidence: c.confidence ?? 0,
        url: ctx.deepLink(source, linkedEntityOf(sys, source), c.recordId),
      });
      return items.map((i) => {
        switch (i.kind) {
          case 'PROBABLE':
            return { kind: i.kind, system: SYSTEM(i.candidate.source), accountId: i.accountId, accountName: i.accountName, records: [candidate(i.candidate.source, i.candidate)] };
          case 'AMBIGUOUS':
            return { kind: i.kind, system: SYSTEM(i.source), accountId: i.accountId, accountName: i.accountName, records: i.candidates.map((c) => candidate(i.source, c)) };
          case 'BROKEN': {
            const system = systemById(sys, i.source)!;
            return {
              kind: i.kind,
              system: SYSTEM(i.source),
              accountId: i.accountId,
              accountName: i.accountName,
              records: [],
              pointsAt: i.recordId,
              message: `Link broken: ${system.name} has no ${linkedEntity(sys, system.category).toLowerCase()} ${i.recordId}.`,
            };
          }
          case 'ORPHAN':
            return {
              kind: i.kind,
              system: SYSTEM(i.source),
              accountId: null,
              accountName: null,
              records: [candidate(i.source, i)],
              pointsAt: i.pointsAt,
              message: `Points at ${sys.crm.name} account ${i.pointsAt}, which ${sys.crm.name} does not have (deleted, or never there).`,
            };
          default:
            return { kind: i.kind, system: SYSTEM(i.source), accountId: null, accountName: null, records: [candidate(i.source, { recordId: i.recordId, name: i.name })] };
        }
      });
    },
    linkDecisions: async (_: unknown, __: unknown, ctx: PanoramaContext) => {
      const [decisions, matcher] = await Promise.all([ctx.decisions(), ctx.identity().catch(() => null)]);
      return decisions.inEffect().reverse().map((d) => decisionOut(ctx, matcher, d));
    },
  },
  Mutation: {
    decideLink: (_: unknown, args: { input: { kind: LinkDecisionKind; system: string; accountId: string; recordId: string; reason?: string | null } }, ctx: PanoramaContext) =>
      decideLink(ctx, args.input),
    undoLinkDecision: async (_: unknown, args: { id: string; reason?: string | null }, ctx: PanoramaContext) => {
      const reason = args.reason?.trim() || null;
      if (reason && reason.length > MAX_REASON) badInput(`reason is limited to ${MAX_REASON} characters, got ${reason.length}.`);
      const undone = await ctx.decisionStore.undo(args.id.trim(), { byId: ctx.viewer.id, byName: ctx.viewer.name, at: Math.round(ctx.runtime.clock.now()), reason });
      if (!undone) badInput(`No link decision ${args.id.slice(0, 60)} is in force (it may have been undone already).`);
      ctx.forgetReusedAnswers();
      readsOf(ctx).customerIds.add(canonicalAccountId(ctx.runtime.systems, undone.accountId));
      return decisionOut(ctx, null, undone);
    },
  },
};
