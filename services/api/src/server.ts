import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { errorCodeOf, localDay, TthcError } from '@tthc/core';
import { redriveDeadLetters } from '@tthc/ingest';
import type { Logger } from '@tthc/logging';
import type { Stores } from '@tthc/stores';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AccessControl, ANONYMOUS, type Access, type Principal } from './access';
import type { ApiConfig } from './api-config';
import { createApiMetrics } from './api-metrics';
import { dashboardAssets } from './dashboard-assets';
import { ingestConservation, pipelineStatus, projectionsStatus } from './pipeline-status';
import { ApiProblem, problemBody, statusOf, type FieldError } from './problem';
import { ReplayRunner } from './replay-runner';
import { ReportService } from './report-service';
import * as s from './schemas';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (checked before its handler). */
    access?: Access;
  }
  interface FastifyRequest {
    /** Set by the access check before any handler; undefined only when that check refused the request. */
    principal: Principal | undefined;
  }
}

export interface ApiServerOptions {
  readonly stores: Stores;
  readonly config: ApiConfig;
  readonly logger: Logger;
  /** The version the OpenAPI document names. */
  readonly version?: string;
}

export type ApiApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger, ZodTypeProvider>;

export interface ApiServer {
  readonly app: ApiApp;
  /** Stops replays after their batch in hand, then the server; the stores stay open (the caller owns them). */
  close(): Promise<void>;
}

const API = '/api/v1';
const started = Date.now();

/** The HTTP API and the dashboard over a store's views, not yet listening (`app.listen`, or `app.inject` in tests). */
export async function buildApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { stores, config, logger } = options;
  const access = new AccessControl(config);
  const reports = new ReportService(stores);
  const replays = new ReplayRunner(stores, logger.child({ component: 'replay' }));
  const metrics = createApiMetrics(stores);
  const assets = dashboardAssets();
  let redriving = false;

  const app = Fastify({
    loggerInstance: logger.child({ component: 'api' }),
    // The request log says who asked (below), never a token: Fastify's own lines carry no headers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // Query values are parsed flat: a repeated parameter is refused by its schema, not merged.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', undefined);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TTHC pipeline API',
        version: options.version ?? '0.1.0',
        description: 'Reports and status read from the views of the TTHC dossier pipeline, and operator actions. docs/api.md describes it.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token made by `tthc token`, with the role reader or operator' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  if (config.corsOrigins.length > 0) await app.register(fastifyCors, { origin: config.corsOrigins, methods: ['GET', 'HEAD', 'POST'] });
  await app.register(fastifyRateLimit, {
    global: false,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowSeconds * 1000,
    // One client is its token when it sent one, else its address.
    keyGenerator: (request) => (request.principal && request.principal !== ANONYMOUS ? `token:${who(request)}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new ApiProblem('RATE_LIMITED', `at most ${context.max} requests to this endpoint per ${context.after} window`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });

  app.addHook('onRequest', (request, _reply, done) => {
    try {
      request.principal = access.authorise(request.routeOptions.config.access ?? 'read', request.headers.authorization);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    // One line per request: who asked what, and how it went; never the query's token or a body.
    request.log.info(
      {
        method: request.method,
        route,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        by: request.principal?.name ?? 'refused',
      },
      'request',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, new ApiProblem('NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  const read = { access: 'read' as const };
  const expensive = { rateLimit: {} };
  const problems = {
    400: s.problemResponse,
    401: s.problemResponse,
    403: s.problemResponse,
    404: s.problemResponse,
    429: s.problemResponse,
    503: s.problemResponse,
  };
  const security = [{ bearer: [] }];

  app.get(
    `${API}/report`,
    {
      config: { ...read, ...expensive },
      schema: {
        summary: 'The report for a period, from the daily-counts view',
        description:
          'Names the log position it reflects in `X-Log-Position` and the `ETag`, and the events the view has not read in `X-Events-Behind`; `If-None-Match` answers 304 while they stand. `waitFor` answers only once the view has reached a position.',
        tags: ['report'],
        security,
        querystring: s.reportQuery,
        response: { 200: s.reportResponse, ...problems },
      },
    },
    async (request, reply) => {
      const controller = new AbortController();
      request.raw.once('close', () => controller.abort());
      const result = await reports.report(request.query, request.headers['if-none-match'], controller.signal);
      // The body and its type are the format's, not the JSON schema's: sent as they are.
      const raw = reply as FastifyReply;
      if (result === 'not-modified') return raw.code(304).send();
      raw
        .header('etag', result.etag)
        .header('x-log-position', result.position ?? 'start')
        .header('x-events-behind', String(result.eventsBehind));
      raw.header('cache-control', 'no-cache').type(result.contentType);
      if (result.filename) raw.header('content-disposition', `attachment; filename="${result.filename}"`);
      return raw.send(result.body);
    },
  );

  app.get(
    `${API}/agencies`,
    {
      config: read,
      schema: {
        summary: 'The agencies in force on a day, from the registry in the store',
        tags: ['registry'],
        security,
        querystring: s.agenciesQuery,
        response: { 200: s.agenciesResponse, ...problems },
      },
    },
    async (request) => {
      const registry = await reports.currentRegistry();
      if (!registry) throw new ApiProblem('NO_REGISTRY', 'no agency registry in this store: import one with tthc registry import FILE');
      const on = request.query.on ?? localDay(new Date().toISOString());
      return {
        on,
        registryVersion: registry.version,
        countByLevel: registry.registry.countByLevel(on),
        agencies: [...registry.registry.agencies(request.query.level, on)],
      };
    },
  );

  app.get(
    `${API}/projections`,
    {
      config: read,
      schema: {
        summary: "Each projection's live version, checkpoint, lag and any rebuild in progress",
        tags: ['status'],
        security,
        response: { 200: s.projectionsResponse, ...problems },
      },
    },
    async () => ({ projections: await projectionsStatus(stores), replaysInServer: replays.inProgress }),
  );

  app.get(
    `${API}/ingest`,
    {
      config: read,
      schema: {
        summary: "Ingest's conservation counts per source and the offsets it has accounted for",
        tags: ['status'],
        security,
        response: { 200: s.ingestResponse, ...problems },
      },
    },
    async () => ingestConservation(stores),
  );

  app.get(
    `${API}/status`,
    {
      config: read,
      schema: {
        summary: 'Projections, ingest conservation and letters by reason, in one answer (the dashboard polls it)',
        tags: ['status'],
        security,
        response: { 200: s.statusResponse, ...problems },
      },
    },
    async () => ({ ...(await pipelineStatus(stores)), replaysInServer: replays.inProgress }),
  );

  app.get(
    `${API}/dead-letters`,
    {
      config: read,
      schema: {
        summary: 'Letters of one status, by reason, a page at a time (never their bytes)',
        tags: ['dead letters'],
        security,
        querystring: s.lettersQuery,
        response: { 200: s.lettersResponse, ...problems },
      },
    },
    async (request) => {
      const { status, reason, limit, after } = request.query;
      const [letters, counts] = await Promise.all([
        stores.ingestStore.listLetters({ status, limit: limit + 1, ...(reason ? { reason } : {}), ...(after !== undefined ? { afterId: after } : {}) }),
        stores.ingestStore.countLetters(),
      ]);
      const page = letters.slice(0, limit);
      return {
        // Encoded through lettersResponse, which names no `key` or `value`: a letter's bytes never leave.
        letters: page,
        next: letters.length > limit ? (page.at(-1)?.id ?? null) : null,
        counts,
      };
    },
  );

  app.post(
    `${API}/dead-letters/redrive`,
    {
      config: { access: 'operate', ...expensive },
      schema: {
        summary: 'Runs dead letters through ingest again (operator)',
        tags: ['operator actions'],
        security,
        body: s.redriveBody,
        response: { 200: s.redriveResponse, ...problems, 409: s.problemResponse },
      },
    },
    async (request) => {
      if (redriving) throw new ApiProblem('ACTION_RUNNING', 'a redrive is already running in this server');
      redriving = true;
      try {
        const registry = await reports.currentRegistry();
        if (!registry) throw new ApiProblem('NO_REGISTRY', 'no agency registry in this store: import one with tthc registry import FILE');
        const summary = await redriveDeadLetters(stores, registry.registry, { reason: request.body.reason, limit: request.body.limit });
        request.log.info({ action: 'redrive', by: who(request), reason: request.body.reason ?? 'all', ...summary }, 'operator action');
        return { by: who(request), ...summary };
      } finally {
        redriving = false;
      }
    },
  );

  app.post(
    `${API}/projections/:projection/replay`,
    {
      config: { access: 'operate', ...expensive },
      schema: {
        summary: 'Starts rebuilding a projection into a new version from the whole log (operator); progress in /projections',
        tags: ['operator actions'],
        security,
        params: s.replayParams,
        body: s.replayBody,
        response: { 202: s.replayResponse, ...problems, 409: s.problemResponse },
      },
    },
    async (request, reply) => {
      const { projection } = request.params;
      replays.start(projection, who(request), request.body.batchSize);
      request.log.info({ action: 'replay', by: who(request), projection }, 'operator action');
      return reply.code(202).send({ by: who(request), projection, started: true as const, status: `${API}/projections` });
    },
  );

  app.get(
    '/metrics',
    { config: read, schema: { summary: 'Prometheus metrics of the server and the pipeline', tags: ['ops'], security } },
    async (_request, reply) =>
      reply
        .type(metrics.registry.contentType)
        .header('cache-control', 'no-store')
        .send(await metrics.scrape()),
  );
  app.get(
    '/health',
    { config: { access: 'public' }, schema: { summary: 'The process answers', tags: ['ops'], response: { 200: s.healthResponse } } },
    (_request, reply) => {
      void reply.send({ status: 'ok' as const, uptimeSeconds: Math.round((Date.now() - started) / 1000) });
    },
  );
  app.get(
    '/ready',
    {
      config: { access: 'public' },
      schema: { summary: 'The store answers: the server can serve', tags: ['ops'], response: { 200: s.readyResponse, 503: s.readyResponse } },
    },
    async (_request, reply) => {
      try {
        await stores.projectionStore.listVersions('daily-counts');
        return { ready: true, store: 'reachable' as const };
      } catch (error) {
        return reply.code(503).send({ ready: false, store: 'unreachable' as const, detail: errorCodeOf(error) ?? 'STORE_UNAVAILABLE' });
      }
    },
  );

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) => reply.send(app.swagger()));
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) => reply.redirect('/dashboard/'));
  // Browsers ask for it; the page has none.
  app.get('/favicon.ico', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => (reply as FastifyReply).code(204).send());
  app.get('/dashboard/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(assets.html(access.tokenRequiredToRead)),
  );
  for (const [path, asset] of Object.entries(assets.files))
    app.get(`/dashboard/${path}`, { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
      reply.type(asset.contentType).header('cache-control', 'no-cache').send(asset.body),
    );

  // Content-Security-Policy: the page runs only its own script and connects only to this server.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (request.url.startsWith('/dashboard'))
      reply.header(
        'content-security-policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
      );
  });

  await app.ready();
  return {
    app,
    async close() {
      await replays.close();
      await app.close();
    },
  };
}

/** The name of who made a request that passed the access check. */
const who = (request: FastifyRequest): string => request.principal?.name ?? ANONYMOUS.name;

function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: ApiProblem): FastifyReply {
  if (problem.extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.extra.retryAfterSeconds));
  return reply
    .code(statusOf(problem.code))
    .type('application/problem+json; charset=utf-8')
    .serializer((body) => JSON.stringify(body))
    .send(problemBody(problem.code, problem.message, request.url.split('?')[0] ?? '', problem.extra.errors));
}

/** Every error as problem+json: a parameter's with its name and rule, the pipeline's with its code, anything else as INTERNAL (logged). */
function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const errors: FieldError[] = error.validation.map((issue) => {
      const keys = (issue.params as { keys?: unknown }).keys;
      const field = Array.isArray(keys) ? keys.map(String).join(', ') : issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const rule = Array.isArray(keys) ? 'is not a parameter of this endpoint' : (issue.message ?? 'is not valid');
      return { field: field === '' ? where : field, rule };
    });
    const detail = errors.map((e) => `${e.field}: ${e.rule}`).join('; ');
    return sendProblem(reply, request, new ApiProblem('INVALID_REQUEST', `${where}: ${detail}`, { errors }));
  }
  if (error instanceof ApiProblem) return sendProblem(reply, request, error);
  const code = errorCodeOf(error);
  if (error instanceof TthcError && code !== undefined && statusOf(code) < 500) return sendProblem(reply, request, new ApiProblem(code, error.message));
  if (code === 'STORE_UNAVAILABLE')
    return sendProblem(reply, request, new ApiProblem('STORE_UNAVAILABLE', 'the store does not answer; try again shortly', { retryAfterSeconds: 5 }));
  // Fastify's own refusals (a body that is not JSON, too large, a wrong content type) are the client's.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
    return sendProblem(reply, request, new ApiProblem(error.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST', error.message));
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, request, new ApiProblem('INTERNAL', 'the server failed to answer; its log has the error'));
}
