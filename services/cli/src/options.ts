import { z } from 'zod';
import { DEFAULT_TIME_BOUNDS, isoDate, parsePeriod, periodCutoff, periodSpec, REPORT_FORMATS, REPORT_GROUPINGS, TthcError, type TimeBounds } from '@tthc/core';
import { brokerList, DEFAULT_CONSUMER_GROUP, DEFAULT_DEAD_LETTER_TOPIC, DEFAULT_EVENTS_TOPIC, DEFAULT_REGISTRY_TOPIC } from '@tthc/kafka';
import { CONSUMER_DEFAULTS } from '@tthc/ingest';
import { LOG_LEVELS } from '@tthc/logging';
import { DEFAULT_BATCH_SIZE } from '@tthc/projector';
import { DEFAULT_STORE_URL, storeUrl } from '@tthc/stores';

/** Raised for bad command-line input: exit code 2 and a message naming the option and the rule. */
export class UsageError extends TthcError {
  readonly code = 'USAGE';
}

const positiveInt = z.coerce.number().int().positive();

export const commonOptions = z.object({
  store: storeUrl.default(storeUrl.parse(DEFAULT_STORE_URL)),
  logLevel: z.enum(LOG_LEVELS).optional(),
});

const kafkaOptions = z.object({
  brokers: brokerList,
  topic: z.string().min(1).max(249).default(DEFAULT_EVENTS_TOPIC),
  registryTopic: z.string().min(1).max(249).default(DEFAULT_REGISTRY_TOPIC),
});

export const ingestOptions = commonOptions
  .extend({
    file: z.string().min(1).optional(),
    brokers: brokerList.optional(),
    topic: z.string().min(1).max(249).default(DEFAULT_EVENTS_TOPIC),
    dlqTopic: z.string().min(1).max(249).default(DEFAULT_DEAD_LETTER_TOPIC),
    registryTopic: z.string().min(1).max(249).default(DEFAULT_REGISTRY_TOPIC),
    group: z.string().min(1).max(255).default(DEFAULT_CONSUMER_GROUP),
    metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
    untilIdle: z.boolean().default(false),
    idleMs: positiveInt.default(3000),
    batchSize: positiveInt.max(100_000).default(5000),
    sessionTimeoutMs: z.coerce.number().int().min(3_000).max(300_000).default(CONSUMER_DEFAULTS.sessionTimeoutMs),
    heartbeatMs: z.coerce.number().int().min(100).max(60_000).default(CONSUMER_DEFAULTS.heartbeatIntervalMs),
    fetchBytes: z.coerce.number().int().min(1024).max(104_857_600).default(CONSUMER_DEFAULTS.fetchBytesPerPartition),
    notBefore: isoDate.default(DEFAULT_TIME_BOUNDS.notBefore),
    maxAheadHours: z.coerce.number().positive().max(24 * 366).default(DEFAULT_TIME_BOUNDS.maxAheadMs / 3_600_000),
  })
  .strict()
  .refine((o) => o.file !== undefined || o.brokers !== undefined, {
    message: 'give --file FILE, or Kafka brokers with --brokers or KAFKA_BROKERS',
    path: ['brokers'],
  })
  .refine((o) => o.heartbeatMs * 3 <= o.sessionTimeoutMs, {
    message: 'must be at most a third of --session-timeout-ms, so that a live member is not taken for dead',
    path: ['heartbeatMs'],
  });

export const projectOptions = commonOptions
  .extend({ untilCaughtUp: z.boolean().default(false), batchSize: positiveInt.max(100_000).default(DEFAULT_BATCH_SIZE) })
  .strict();

export const replayOptions = commonOptions
  .extend({ projection: z.string().min(1).optional(), all: z.boolean().default(false), batchSize: positiveInt.max(100_000).default(DEFAULT_BATCH_SIZE) })
  .strict()
  .refine((o) => (o.projection === undefined) === o.all, { message: 'give a projection name or --all (not both)', path: ['all'] });

export const reportOptions = commonOptions
  .extend({
    from: isoDate.optional(),
    to: isoDate.optional(),
    period: periodSpec.optional(),
    cutoff: periodCutoff.default('calendar'),
    format: z.enum(REPORT_FORMATS).default('text'),
    by: z.enum(REPORT_GROUPINGS).default('level'),
  })
  .strict()
  .refine((o) => (o.period === undefined) !== (o.from === undefined && o.to === undefined), {
    message: 'give either --period (2024-H1, 2024-Q2, 2024-03, 2024) or both --from and --to',
    path: ['period'],
  })
  .refine((o) => o.period !== undefined || (o.from !== undefined && o.to !== undefined), { message: 'give both --from and --to', path: ['from'] })
  .refine((o) => o.from === undefined || o.to === undefined || o.from <= o.to, { message: 'must not be before --from', path: ['to'] })
  .transform((o) => ({ ...o, range: o.period !== undefined ? parsePeriod(o.period, o.cutoff) : { from: o.from ?? '', to: o.to ?? '' } }));

export const publishOptions = commonOptions.extend({ ...kafkaOptions.shape, batchSize: positiveInt.max(10_000).default(1000) }).strict();

export const demoOptions = commonOptions
  .extend({
    profile: z.string().min(1).optional(),
    scale: z.coerce.number().positive().max(100).default(1),
    seed: z.coerce.number().int().nonnegative().max(2 ** 32 - 1).default(2024),
    out: z.string().min(1).optional(),
    format: z.enum(REPORT_FORMATS).default('text'),
    batchSize: positiveInt.max(100_000).default(5000),
  })
  .strict();

export const simulateOptions = commonOptions
  .omit({ store: true })
  .extend({
    profile: z.string().min(1),
    seed: z.coerce.number().int().nonnegative().max(2 ** 32 - 1).default(2024),
    out: z.string().min(1).optional(),
    kafka: z.boolean().default(false),
    brokers: brokerList.optional(),
    topic: z.string().min(1).max(249).default(DEFAULT_EVENTS_TOPIC),
    registryTopic: z.string().min(1).max(249).default(DEFAULT_REGISTRY_TOPIC),
    batchSize: positiveInt.max(10_000).default(2000),
  })
  .strict()
  .refine((o) => (o.out !== undefined) !== o.kafka, { message: 'give either --out FILE.ndjson or --kafka', path: ['out'] })
  .refine((o) => !o.kafka || o.brokers !== undefined, { message: 'give Kafka brokers with --brokers or KAFKA_BROKERS', path: ['brokers'] });

const FLAGS: Record<string, string> = {
  store: '--store',
  logLevel: '--log-level',
  untilIdle: '--until-idle',
  idleMs: '--idle-ms',
  batchSize: '--batch-size',
  untilCaughtUp: '--until-caught-up',
  dlqTopic: '--dlq-topic',
  registryTopic: '--registry-topic',
  metricsPort: '--metrics-port',
  period: '--period',
  cutoff: '--cutoff',
};

/** Validates a command's options, turning zod issues into "--flag: rule" messages. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const flag = FLAGS[key] ?? `--${key}`;
    return issue.code === 'unrecognized_keys' ? `unknown option(s): ${issue.keys.join(', ')}` : `${flag}: ${issue.message}`;
  });
  throw new UsageError(lines.join('\n'));
}

/** The time bounds ingest checks events against, from the ingest options. */
export const timeBoundsOf = (o: { notBefore: string; maxAheadHours: number }): TimeBounds => ({
  ...DEFAULT_TIME_BOUNDS,
  notBefore: o.notBefore,
  maxAheadMs: o.maxAheadHours * 3_600_000,
});
