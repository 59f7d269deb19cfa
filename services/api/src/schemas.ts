import { z } from 'zod';
import {
  AGENCY_LEVELS,
  DEAD_LETTER_REASONS,
  isoDate,
  PARKED_REASON,
  periodCutoff,
  periodSpec,
  REPORT_FORMATS,
  REPORT_GROUPINGS,
  reportSelection,
  reportSelectionProblems,
} from '@tthc/core';

/*
 * Every request and response of the API, in zod: requests are validated against them (an unknown
 * parameter is refused, naming it) and responses encoded through them (a field not written here is
 * never sent), and the OpenAPI document in schemas/openapi.json is generated from them.
 */

const LOG_POSITION = /^\d+\/\d+$/;
export const logPosition = z.string().regex(LOG_POSITION, { message: 'must be a log position such as 1470748/1470748' });

// ---- Report -------------------------------------------------------------------------------------

export const reportQuery = z
  .strictObject({
    period: periodSpec.optional(),
    cutoff: periodCutoff.default('calendar'),
    from: isoDate.optional().describe('First day counted (with `to`, instead of `period`)'),
    to: isoDate.optional().describe('Last day counted (with `from`)'),
    by: z.enum(REPORT_GROUPINGS).default('level').describe('Rows by level, or each agency as well'),
    map: z
      .union([z.literal('each-day'), isoDate], { message: 'must be each-day or a calendar date YYYY-MM-DD' })
      .default('each-day')
      .describe("each-day: each figure under the agency in force on its day; a date: everything under that day's agencies"),
    format: z.enum(REPORT_FORMATS).default('json').describe('json, csv, markdown, text, form, narrative, or the form as an xlsx spreadsheet'),
    waitFor: z
      .union([logPosition, z.literal('caught-up')], { message: 'must be a log position such as 1470748/1470748, or caught-up' })
      .optional()
      .describe('Answer only once the view has reached this log position (or has nothing left to read: caught-up)'),
    timeoutMs: z.coerce.number().int().min(0).max(60_000).default(10_000).describe('How long to wait for `waitFor`'),
  })
  .superRefine((q, ctx) => {
    for (const p of reportSelectionProblems(q, (field) => field)) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
    if (q.by === 'agency' && q.format === 'narrative')
      ctx.addIssue({ code: 'custom', path: ['by'], message: 'agency applies to the tables: format narrative writes the paragraphs by level only' });
    if (q.waitFor === undefined && q.timeoutMs !== 10_000) ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: 'applies to waitFor only' });
  })
  .transform((q) => ({ ...q, ...reportSelection({ ...q, map: q.map === 'each-day' ? undefined : q.map }) }));
export type ReportQuery = z.output<typeof reportQuery>;

const rate = z.number().nullable().describe('A percentage with two decimals; null when there is nothing to divide');
const countsRow = {
  received: z.int(),
  receivedOnline: z.int(),
  receivedInPerson: z.int(),
  receivedPostal: z.int(),
  resolved: z.int(),
  resolvedEarly: z.int(),
  resolvedOnTime: z.int().describe('Early plus on the due day'),
  resolvedOnDueDay: z.int(),
  resolvedLate: z.int(),
  onTimeRate: rate,
  carriedOver: z.int(),
  inProgressAtEnd: z.object({ notDue: z.int(), overdue: z.int() }),
  withdrawn: z.int(),
  handedBack: z.int(),
  processingStopped: z.int(),
  refusedAtReception: z.int(),
  supplementRequested: z.int(),
  apologyIssued: z.int(),
  resultReturned: z.int(),
  fullProcessOnline: z.object({ resolved: z.int(), resolvedOnline: z.int(), rate }),
  onlinePayments: z.object({ count: z.int(), amount: z.number() }),
  transferredIn: z.int(),
  transferredOut: z.int(),
};
const level = z.enum(AGENCY_LEVELS);
export const reportResponse = z
  .object({
    period: z.object({ from: isoDate, to: isoDate }),
    map: z.string(),
    mapChanges: z.array(isoDate).optional(),
    unmapped: z.array(z.string()).optional(),
    asOf: z.object({
      position: z.string().nullable().describe('The log position the figures reflect'),
      eventsRead: z.int().optional(),
      updatedAt: z.string().optional(),
      eventsBehind: z.int().optional().describe('Events in the log after `position`, not in the figures'),
    }),
    levels: z.partialRecord(level, z.object({ agencies: z.int(), ...countsRow })),
    total: z.object(countsRow),
    receivedOnline: z.int(),
    fullProcessOnline: z.object(countsRow).shape.fullProcessOnline,
    onlinePayments: z.object(countsRow).shape.onlinePayments,
    agencies: z.array(z.object({ agencyCode: z.string(), name: z.string().optional(), level: level.nullable(), ...countsRow })).optional(),
  })
  .describe('The report: figures by level and in total, and by agency when asked');

// ---- Registry, projections, ingest ---------------------------------------------------------------

export const agenciesQuery = z.strictObject({
  on: isoDate.optional().describe('The day whose registry is listed; today (Asia/Ho_Chi_Minh) when absent'),
  level: level.optional(),
});

export const agenciesResponse = z.object({
  on: isoDate,
  registryVersion: z.int(),
  countByLevel: z.record(level, z.int()),
  agencies: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      level,
      parent: z.string().nullable(),
      validFrom: isoDate,
      validTo: isoDate.nullable(),
      successor: z.string().nullable(),
      successors: z.array(z.string()).optional(),
    }),
  ),
});

const building = z.object({
  version: z.int(),
  position: z.string().nullable(),
  events: z.int(),
  total: z.int(),
  percent: z.number(),
  rate: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  runner: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
});
export const projectionStatusSchema = z.object({
  position: z.string().nullable(),
  events: z.int(),
  updatedAt: z.string().nullable(),
  version: z.int().nullable(),
  runner: z.string().nullable(),
  lag: z.object({ events: z.int(), seconds: z.number() }),
  rate: z.number().nullable(),
  building: building.nullable(),
});
export const projectionsResponse = z.object({
  projections: z.record(z.string(), projectionStatusSchema.nullable()).describe('Each projection, null before its first run'),
  replaysInServer: z.array(z.string()).describe('Projections a replay started through this server is rebuilding now'),
});

const ingestCounts = z.object({ consumed: z.int(), appended: z.int(), duplicates: z.int(), deadLettered: z.int(), parked: z.int() });
export const ingestResponse = z.object({
  sources: z.record(z.string(), ingestCounts),
  total: ingestCounts,
  balanced: z.boolean().describe('consumed = appended + duplicates + deadLettered + parked'),
  records: z
    .record(z.string(), z.object({ records: z.int(), translated: z.int(), refused: z.int(), events: z.int() }))
    .describe("Doors that read records into events (the DVCQG sync door), per source: the events the translated records stated are the source's consumed"),
  recordsBalanced: z.boolean().describe('records = translated + refused, at every record door'),
  partitions: z.array(z.object({ source: z.string(), partition: z.int(), firstOffset: z.string(), nextOffset: z.string(), distinct: z.int() })),
});

// ---- Dead letters --------------------------------------------------------------------------------

const letterReason = z.enum([...DEAD_LETTER_REASONS, PARKED_REASON]);
const letterStatus = z.enum(['dead', 'parked', 'resolved']);
export const lettersQuery = z.strictObject({
  status: letterStatus.default('dead'),
  reason: letterReason.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.coerce.number().int().min(0).optional().describe("The last id of the page before (the previous page's `next`)"),
});
export const letterCounts = z.array(
  z.object({
    status: z.enum([...letterStatus.options, 'purged']).describe('`purged`: letters removed after their retention (tthc dlq purge), still counted'),
    reason: z.string(),
    count: z.int(),
  }),
);
export const lettersResponse = z.object({
  letters: z.array(
    z
      .object({
        id: z.int(),
        origin: z.string(),
        status: letterStatus,
        reason: z.string(),
        message: z.string().describe('The field and the rule it broke'),
        dossierCode: z.string().nullable(),
        attempts: z.int(),
        firstSeenAt: z.string(),
        updatedAt: z.string(),
      })
      .describe('A refused message: never its bytes, which may hold what a sender should not have sent'),
  ),
  next: z.int().nullable().describe('Pass as `after` for the next page; null on the last'),
  counts: letterCounts,
});

export const statusResponse = z.object({
  store: z.string(),
  ingest: ingestResponse,
  letters: letterCounts,
  projections: projectionsResponse.shape.projections,
  replaysInServer: projectionsResponse.shape.replaysInServer,
});

// ---- Operator actions ----------------------------------------------------------------------------

export const redriveBody = z
  .strictObject({
    reason: letterReason.optional(),
    limit: z.int().min(1).max(10_000).default(1000),
  })
  .default({ limit: 1000 });
export const redriveResponse = z.object({ by: z.string(), letters: z.int(), appended: z.int(), duplicate: z.int(), dead: z.int(), parked: z.int() });

export const replayParams = z.strictObject({ projection: z.string().min(1).max(100) });
export const replayBody = z.strictObject({ batchSize: z.int().min(1).max(100_000).optional() }).default({});
export const replayResponse = z.object({
  by: z.string(),
  projection: z.string(),
  started: z.literal(true),
  status: z.string().describe('Where its progress shows'),
});

// ---- Ops -------------------------------------------------------------------------------------------

export const healthResponse = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
export const readyResponse = z.object({ ready: z.boolean(), store: z.enum(['reachable', 'unreachable']), detail: z.string().optional() });

export const problemResponse = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string().describe('A stable code: docs/errors.md'),
    detail: z.string(),
    field: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), rule: z.string() })).optional(),
    instance: z.string(),
  })
  .describe('application/problem+json (RFC 9457)');
