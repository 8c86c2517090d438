/**
 * The baseline: a bare graphql-yoga hello-world, served exactly as test/bench/graphql-server.ts serves Panorama
 * (node:http, yoga as the request listener, loopback, port reported over IPC).
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';

const yoga = createYoga({
  schema: createSchema({ typeDefs: /* GraphQL */ `type Query { hello: String! }`, resolvers: { Query: { hello: () => 'world' } } }),
  graphqlEndpoint: '/graphql',
  graphiql: false,
  landingPage: false,
  logging: false,
});

const server = createServer((req, res) => {
  if (req.url === '/__bench/memory') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(process.memoryUsage()));
    return;
  }
  void yoga(req, res);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
