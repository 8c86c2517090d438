import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { createGraphQLError, createSchema } from 'graphql-yoga';
import { SOURCE_MODULES } from '../sources/modules.js';
import type { SourceModule } from '../sources/kit/contract.js';
import { adminResolvers, adminTypeDefs } from './admin-schema.js';
import { baseResolvers, baseTypeDefs } from './base-schema.js';
import { insightsResolvers, insightsTypeDefs } from './insights-schema.js';
import { linkReviewResolvers, linkReviewTypeDefs } from './link-review-schema.js';
import { pagingTypeDefs } from './paging.js';
import type { PanoramaContext } from './context.js';
import { ROLE_LABELS, canRead, type AccessGroup } from './policy.js';
import { trackReads } from './read-tracking.js';


/**
 * Wraps every field marked `@access(group: …)` so that a viewer whose role may not read the group gets null
 * and a FORBIDDEN error, whatever page or tool asked.
 */
function enforceAccess(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const access = getDirective(schema, field, 'access')?.[0] as { group: AccessGroup } | undefined;
      if (!access) return field;
      const resolve = field.resolve ?? defaultFieldResolver;
      return {
        ...field,
        resolve: (source, args, ctx: PanoramaContext, info) => {
          if (!canRead(ctx.viewer.role, access.group)) {
            throw createGraphQLError(
              `${ROLE_LABELS[ctx.viewer.role]} users may not read ${typeName}.${fieldName} (${access.group.toLowerCase().replace(/_/g, ' ')}).`,
              { extensions: { code: 'FORBIDDEN', group: access.group } },
            );
          }
          return resolve(source, args, ctx, info);
        },
      };
    },
  });
}

/**
 * The schema of a composition: the shared types, and each module's slice (its `System` value among them). The
 * runtime's modules, as the settings chose them; the default composition when none is given.
 */
export function createPanoramaSchema(modules: readonly Pick<SourceModule, 'id' | 'schema'>[] = SOURCE_MODULES): GraphQLSchema {
  const MODULE_SCHEMAS = modules.map((m) => m.schema);
  const schema = createSchema<PanoramaContext>({
    typeDefs: [baseTypeDefs(modules), pagingTypeDefs, insightsTypeDefs, linkReviewTypeDefs, adminTypeDefs, ...MODULE_SCHEMAS.map((m) => m.typeDefs)],
    resolvers: [baseResolvers, insightsResolvers, linkReviewResolvers, adminResolvers, ...MODULE_SCHEMAS.map((m) => m.resolvers)] as never,
  });
  return trackReads(enforceAccess(schema));
}
