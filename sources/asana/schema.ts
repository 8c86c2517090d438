import type { CustomerParent, SchemaContext, SourceSchema } from '../kit/contract.js';
import type { Fetched, Milestone, Project, ProjectsCustomer } from '../kit/domain.js';
import { statusFromFetched } from '../kit/section-status.js';


/** The projects system's slice of the schema: delivery status and milestones. */
export const asanaSchema: SourceSchema = {
  typeDefs: /* GraphQL */ `
    extend type Customer {
      "The customer's projects as the project tool (Asana) knows them."
      projects: ProjectsProfile @access(group: PROJECTS)
    }

    type ProjectsProfile {
      status: SectionStatus!
      "Active projects first, then by due date."
      projects: [Project!]!
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
    },
    ProjectsProfile: {
      status: (f: Fetched<ProjectsCustomer>) => statusFromFetched(f),
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
