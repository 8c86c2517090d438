import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { createGraphQLError, createSchema } from 'graphql-yoga';
import { SOURCE_MODULES } from '../sources/modules.js';
import { adminResolvers, adminTypeDefs } from './admin-schema.js';
import { baseResolvers, baseTypeDefs } from './base-schema.js';
import { insightsResolvers, insightsTypeDefs } from './insights-schema.js';
import { pagingTypeDefs } from './paging.js';
import type { PanoramaContext } from './context.js';
import { ROLE_LABELS, canRead, type AccessGroup } from './policy.js';
import { trackReads } from './read-tracking.js';

/** Each module's slice of the schema, from the composition file. */
const MODULE_SCHEMAS = SOURCE_MODULES.map((m) => m.schema);

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

export function createPanoramaSchema(): GraphQLSchema {
  const schema = createSchema<PanoramaContext>({
    typeDefs: [baseTypeDefs(SOURCE_MODULES), pagingTypeDefs, insightsTypeDefs, adminTypeDefs, ...MODULE_SCHEMAS.map((m) => m.typeDefs)],
    resolvers: [baseResolvers, insightsResolvers, adminResolvers, ...MODULE_SCHEMAS.map((m) => m.resolvers)] as never,
  });
  return trackReads(enforceAccess(schema));
}
