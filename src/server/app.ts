import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from './context.js';
import { timeoutCheckIntervalMs } from './config.js';
import { frameworkErrors, installErrorHandler } from './errors.js';
import { installAuth } from './auth/session.js';
import { installSecurityHeaders, securityHeaders } from './auth/headers.js';
import { installRateLimits, requestLimits } from './auth/rate-limit.js';
import { authRoutes } from './routes/auth.js';
import { organisationRoutes } from './routes/organisations.js';
import { issueRoutes } from './routes/issues.js';
import { practiceRoutes } from './routes/practice.js';
import { lineRoutes } from './routes/lines.js';
import { modelRoutes } from './routes/model.js';
import { criticismRoutes } from './routes/criticism.js';
import { textRoutes } from './routes/text.js';
import { liveRoutes } from './routes/live.js';
import { routeOptions } from './routes/route-options.js';
import { webRoutes } from './web.js';

export interface AppOptions {
  /** Where log lines go (default standard output): tests capture them to check what is never logged. */
  logStream?: { write(line: string): void };
}

/** The HTTP application, without listening: tests inject, `massline serve` listens. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const t = ctx.config.timeouts;
  const limits = requestLimits(ctx);
  const headers = securityHeaders(ctx.config).set;
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    bodyLimit: ctx.config.bodyLimit,
    trustProxy: ctx.config.trustProxy,
    frameworkErrors,
    // The server made here: an anonymous request past the shared limit, or a member's known to
    // be over theirs, is answered before Fastify builds anything for it. A client that promises a body and trickles it, or never
    // finishes its headers, is cut (408) once the request is due; a quiet connection is closed.
    serverFactory: (handler) => {
      const server = http.createServer(
        { headersTimeout: t.headersMs, requestTimeout: t.requestMs, connectionsCheckingInterval: timeoutCheckIntervalMs(t) },
        limits ? (req, res) => limits.refuseEarly(req, res, headers) || handler(req, res) : handler,
      );
      server.keepAliveTimeout = t.keepAliveMs;
      server.setTimeout(t.idleMs);
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Massline API', version: '0.1.0', description: 'Gather, concentrate, propagate, test: the mass line with your members.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'massline_session' } } },
    },
    transform: jsonSchemaTransform,
  });
  installSecurityHeaders(app, ctx.config);
  await app.register(cookie);
  // The limits count before the session is read where they can: a refusal costs no database work.
  installRateLimits(app, limits, () => installAuth(app, ctx));

  await app.register(authRoutes(ctx));
  await app.register(organisationRoutes(ctx));
  await app.register(issueRoutes(ctx));
  await app.register(practiceRoutes(ctx));
  await app.register(lineRoutes(ctx));
  await app.register(modelRoutes(ctx));
  await app.register(criticismRoutes(ctx));
  await app.register(textRoutes(ctx));
  await app.register(liveRoutes(ctx));

  app.route({ ...routeOptions('openapi'), handler: async () => app.swagger() });
  app.route({ ...routeOptions('serverHealth'), handler: async () => ({ ok: true, database: ctx.store.dialect }) });
  await app.register(webRoutes);
  return app;
}
