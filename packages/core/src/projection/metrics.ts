/**
 * The counters the daily view keeps, per agency and local day. A narrow (metric, value) layout
 * lets a new counter arrive without a view migration; a period is a sum over days.
 */
export const METRICS = [
  'received',
  'received.in-person',
  'received.online',
  'received.postal',
  'refused-at-reception',
  'supplement-requested',
  'apology-issued',
  'resolved.early',
  'resolved.on-time',
  'resolved.late',
  'resolved.full-process',
  'resolved.full-process.online',
  'withdrawn',
  'handed-back',
  'processing-stopped',
  'result-returned',
  'paid-online.count',
  'paid-online.amount',
  // A dossier taken over by a successor agency while open: out of the agency it leaves, into the one it joins, on the day.
  'transferred.out',
  'transferred.in',
] as const;

/** Counters of dossier states rather than of events, from which the report's open dossiers follow (see open-dossier-counts). */
export const OPEN_METRICS = ['open.received', 'open.closed', 'open.due', 'open.closed-due'] as const;
export type OpenMetric = (typeof OPEN_METRICS)[number];

export type Metric = (typeof METRICS)[number] | OpenMetric;

export interface CountIncrement {
  readonly agencyCode: string;
  /** Local (Asia/Ho_Chi_Minh) calendar date, YYYY-MM-DD. */
  readonly day: string;
  readonly metric: Metric;
  readonly value: number;
}

/** Receives one count: `value` added to `metric` of the agency on the local day. */
export type CountSink = (agencyCode: string, day: string, metric: Metric, value: number) => void;
