import type { CustomerParent, SchemaContext, SourceSchema } from '../kit/contract.js';
import type { Fetched, Milestone, Project, ProjectSummary, ProjectsCustomer, ProjectsUnmapped } from '../kit/domain.js';
import { statusFromFetched } from '../kit/section-status.js';


const UNMAPPED_MESSAGES: Record<ProjectsUnmapped, string> = {
  ACCOUNT_ID: 'Projects are matched by name only: no account id field is mapped in Asana',
};

/** The projects system's slice of the schema: delivery status and milestones. */
export const asanaSchema: SourceSchema = {
  typeDefs: /* GraphQL */ `
    extend type Customer {
      "The customer's projects as the project tool (Asana) knows them."
      projects: ProjectsProfile @access(group: PROJECTS)
      "The customer's projects in a few figures, for lists: read from the project index, so no request per customer. Null when no project's account field holds this customer's id."
      projectSummary: ProjectSummary @access(group: PROJECTS)
    }

    type ProjectSummary {
      "Where the figures came from: the project index, and how old it is."
      status: SectionStatus!
      "Projects linked to the customer, archived ones included."
      total: Int!
      "Projects neither archived nor complete."
      active: Int!
      "Projects per status, worst first."
      counts: [ProjectStatusCount!]!
      "The worst status among active projects; COMPLETE when none is active."
      worstStatus: ProjectStatus
      "The earliest due date of an active project (YYYY-MM-DD; may be past)."
      nextDueOn: String
    }

    type ProjectStatusCount { status: ProjectStatus! count: Int! }

    type ProjectsProfile {
      status: SectionStatus!
      "Active projects first, then by due date."
      projects: [Project!]!
      "Features read without their Asana field (not set, or not in this workspace): said on the section."
      unmapped: [ProjectsUnmappedFeature!]!
    }

    enum ProjectsFeature { ACCOUNT_ID }

    type ProjectsUnmappedFeature {
      feature: ProjectsFeature!
      "What a person reads on the section, e.g. Projects are matched by name only."
      message: String!
    }

    enum ProjectStatus { ON_TRACK AT_RISK OFF_TRACK ON_HOLD COMPLETE UNKNOWN }

    type Project {
      id: ID!
      name: String!
      owner: Person
      status: ProjectStatus!
      statusText: String
      dueOn: String
      startOn: String
      createdAt: String!
      "Share of tasks completed, 0 to 1."
      progress: Float!
      taskCount: Int!
      overdueTaskCount: Int!
      milestones: [Milestone!]!
      "The first milestone not yet completed."
      nextMilestone: Milestone
      url: String!
    }

    type Milestone { id: ID! name: String! dueOn: String completed: Boolean! completedAt: String url: String! }
  `,
  resolvers: {
    Customer: {
      projects: (c: CustomerParent) => c.section('projects'),
      projectSummary: async (c: CustomerParent, _: unknown, ctx: SchemaContext) => {
        const f = await ctx.loaders.projects.summaryForAccount.load(c.id);
        return f.value ? f : null;
      },
    },
    ProjectSummary: {
      status: (f: Fetched<ProjectSummary>, _: unknown, ctx: SchemaContext) => statusFromFetched(f, ctx.now.getTime()),
      total: (f: Fetched<ProjectSummary>) => f.value.total,
      active: (f: Fetched<ProjectSummary>) => f.value.active,
      counts: (f: Fetched<ProjectSummary>) => f.value.byStatus,
      worstStatus: (f: Fetched<ProjectSummary>) => f.value.worstStatus,
      nextDueOn: (f: Fetched<ProjectSummary>) => f.value.nextDueOn,
    },
    ProjectsProfile: {
      unmapped: (f: Fetched<ProjectsCustomer>) => (f.value.unmapped ?? []).map((feature) => ({ feature, message: UNMAPPED_MESSAGES[feature] })),
      status: (f: Fetched<ProjectsCustomer>, _: unknown, ctx: SchemaContext) => statusFromFetched(f, ctx.now.getTime()),
      projects: (f: Fetched<ProjectsCustomer>) =>
        [...f.value.projects].sort(
          (a, b) =>
            Number(a.status === 'COMPLETE' || a.archived) - Number(b.status === 'COMPLETE' || b.archived) ||
            (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'),
        ),
    },
    Project: {
      progress: (p: Project) => (p.taskCount ? Math.round((p.completedTaskCount / p.taskCount) * 100) / 100 : p.status === 'COMPLETE' ? 1 : 0),
      milestones: (p: Project) => [...p.milestones].sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999')),
      nextMilestone: (p: Project) =>
        [...p.milestones].filter((m) => !m.completed).sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'))[0] ?? null,
      url: (p: Project, _: unknown, ctx: SchemaContext) => ctx.deepLink('asana', 'Project', p.id),
    },
    Milestone: {
      url: (m: Milestone, _: unknown, ctx: SchemaContext) => ctx.deepLink('asana', 'Task', m.id),
    },
  },
};
