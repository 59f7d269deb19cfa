import { z } from 'zod';
import {
  CONTENT_MODES,
  isoDate,
  periodCutoff,
  periodSpec,
  REPORT_FORMATS,
  REPORT_GROUPINGS,
  reportSelection,
  reportSelectionProblems,
  sourceUrn,
  type TextReportFormat,
  type TimeBounds,
} from '@tthc/core';
import { DEFAULT_SYNC_CONSUMER_GROUP, DEFAULT_SYNC_TOPIC, topicName } from '@tthc/kafka';
import { PUBLISHER_DEFAULTS } from '@tthc/publisher';
import { INGEST_DEFAULTS } from '@tthc/ingest';
import { LOG_LEVELS } from '@tthc/logging';
import { storeUrl } from '@tthc/stores';
import { CLI_DEFAULTS } from './defaults';
import { kafkaOptionFields } from './kafka-options';
import { UsageError } from './usage-error';

export { UsageError } from './usage-error';

const positiveInt = z.coerce.number().int().positive();
/**
 * Events per store transaction or per Kafka send, at most `max`. Commander gives every option its
 * default (from CLI_DEFAULTS and the services' DEFAULTS), so these schemas carry none of their own.
 */
const batchSize = (max: number) => positiveInt.max(max);
const storeBatchSize = batchSize(100_000);
const sendBatchSize = batchSize(10_000);
const seed = z.coerce
  .number()
  .int()
  .nonnegative()
  .max(2 ** 32 - 1);
const reportFormat = z.enum(REPORT_FORMATS);
/** The demo prints its report: text formats only (`tthc report --format xlsx --out FILE` writes the spreadsheet after it). */
const demoReportFormat = z.enum(REPORT_FORMATS.filter((f): f is TextReportFormat => f !== 'xlsx'));
/** The factor `demo` and `simulate` multiply a profile's dossier figures by. */
const scaleFactor = z.coerce.number().positive().max(100);
export const letterLimit = positiveInt.max(100_000);

export const commonOptions = z.object({
  store: storeUrl.default(storeUrl.parse(CLI_DEFAULTS.store)),
  logLevel: z.enum(LOG_LEVELS).optional(),
});

/** The events and registry topics, which every Kafka command names. */
const topics = { topic: topicName, registryTopic: topicName };

/** What a door takes in: CloudEvents, or the DVCQG sync records that one-stop-shop systems already send. */
export const INGEST_FORMATS = ['cloudevents', 'dvcqg'] as const;

export const ingestOptions = commonOptions
  .extend({
    file: z.string().min(1).optional(),
    ...kafkaOptionFields,
    format: z.enum(INGEST_FORMATS).default('cloudevents'),
    source: sourceUrn.optional(),
    // Absent: the default of the format's door.
    topic: topicName.optional(),
    registryTopic: topicName,
    dlqTopic: topicName,
    group: z.string().min(1).max(255).optional(),
    metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
    untilIdle: z.boolean().default(false),
    idleMs: positiveInt,
    batchSize: storeBatchSize,
    sessionTimeoutMs: z.coerce.number().int().min(3_000).max(300_000),
    heartbeatMs: z.coerce.number().int().min(100).max(60_000),
    fetchBytes: z.coerce.number().int().min(1024).max(104_857_600),
    notBefore: isoDate,
    maxAheadHours: z.coerce
      .number()
      .positive()
      .max(24 * 366),
  })
  .strict()
  .refine((o) => o.file !== undefined || o.brokers !== undefined || o.kafkaConfig !== undefined, {
    message: 'give --file FILE, or Kafka brokers with --brokers, KAFKA_BROKERS or --kafka-config',
    path: ['brokers'],
  })
  .refine((o) => o.heartbeatMs * 3 <= o.sessionTimeoutMs, {
    message: 'must be at most a third of --session-timeout-ms, so that a live member is not taken for dead',
    path: ['heartbeatMs'],
  })
  .refine((o) => (o.format === 'dvcqg') === (o.source !== undefined), {
    message: 'give --source URN with --format dvcqg (the records do not name the system that sends them), and only then: a CloudEvent names its own',
    path: ['source'],
  })
  .transform((o) => ({
    ...o,
    topic: o.topic ?? (o.format === 'dvcqg' ? DEFAULT_SYNC_TOPIC : INGEST_DEFAULTS.topic),
    group: o.group ?? (o.format === 'dvcqg' ? DEFAULT_SYNC_CONSUMER_GROUP : INGEST_DEFAULTS.groupId),
  }));

export const projectOptions = commonOptions.extend({ untilCaughtUp: z.boolean().default(false), batchSize: storeBatchSize }).strict();

export const replayOptions = commonOptions
  .extend({ projection: z.string().min(1).optional(), all: z.boolean().default(false), batchSize: storeBatchSize })
  .strict()
  .refine((o) => (o.projection === undefined) === o.all, { message: 'give a projection name or --all (not both)', path: ['all'] });

export const reportOptions = commonOptions
  .extend({
    from: isoDate.optional(),
    to: isoDate.optional(),
    period: periodSpec.optional(),
    cutoff: periodCutoff,
    format: reportFormat,
    by: z.enum(REPORT_GROUPINGS),
    failIfBehind: z.boolean().default(false),
    out: z.string().min(1).optional(),
    map: isoDate.optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const p of reportSelectionProblems(o, (field) => `--${field}`)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  })
  // Options that would change nothing are refused rather than ignored.
  .refine((o) => !(o.format === 'narrative' && o.by === 'agency'), {
    message: 'agency applies to the tables: --format narrative writes the paragraphs by level only',
    path: ['by'],
  })
  .transform((o) => ({ ...o, ...reportSelection(o) }));

export const statusOptions = commonOptions.extend({ format: z.enum(['text', 'json']).optional() }).strict();

/** CloudEvents' Kafka content mode of what `tthc publish` and `tthc simulate --kafka` send. */
const contentMode = z.enum(CONTENT_MODES, { message: 'must be structured or binary' }).default('structured');

export const publishOptions = commonOptions.extend({ ...kafkaOptionFields, ...topics, batchSize: sendBatchSize, contentMode }).strict();

export const demoOptions = commonOptions
  .extend({
    profile: z.string().min(1).optional(),
    scale: scaleFactor,
    seed,
    out: z.string().min(1).optional(),
    format: demoReportFormat,
    batchSize: storeBatchSize,
  })
  .strict();

export const simulateOptions = commonOptions
  .omit({ store: true })
  .extend({
    profile: z.string().min(1),
    scale: scaleFactor,
    seed,
    out: z.string().min(1).optional(),
    kafka: z.boolean().default(false),
    ...kafkaOptionFields,
    format: z.enum(INGEST_FORMATS).default('cloudevents'),
    // Absent: the default of the format's door.
    topic: topicName.optional(),
    registryTopic: topicName,
    batchSize: sendBatchSize,
    contentMode,
    reorganiseOn: isoDate.optional(),
  })
  .strict()
  .refine((o) => (o.out !== undefined) !== o.kafka, { message: 'give either --out FILE.ndjson or --kafka', path: ['out'] })
  .refine((o) => !o.kafka || o.brokers !== undefined || o.kafkaConfig !== undefined, {
    message: 'give Kafka brokers with --brokers, KAFKA_BROKERS or --kafka-config',
    path: ['brokers'],
  })
  .transform((o) => ({ ...o, topic: o.topic ?? (o.format === 'dvcqg' ? DEFAULT_SYNC_TOPIC : PUBLISHER_DEFAULTS.topic) }));

/** The command-line flag of an option's key: commander turns `--dlq-topic` into `dlqTopic`, this turns it back. */
const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Validates a command's options, turning zod issues into "--flag: rule" messages. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const flag = flagOf(key);
    if (issue.code === 'unrecognized_keys') return `unknown option(s): ${issue.keys.join(', ')}`;
    // zod's own words for a wrong type ("Invalid input: expected string, received undefined") say nothing to an operator.
    if (issue.code === 'invalid_type')
      return given[key] === undefined ? `${flag}: is required` : `${flag}: must be a ${issue.expected}, not ${JSON.stringify(given[key])}`;
    return `${flag}: ${issue.message}`;
  });
  throw new UsageError(lines.join('\n'));
}

/** The time bounds ingest checks events against, from the ingest options. */
export const timeBoundsOf = (o: { notBefore: string; maxAheadHours: number }): TimeBounds => ({
  ...INGEST_DEFAULTS.timeBounds,
  notBefore: o.notBefore,
  maxAheadMs: o.maxAheadHours * 3_600_000,
});
