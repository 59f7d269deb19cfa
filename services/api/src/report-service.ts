import {
  compareLogPositions,
  DAILY_COUNTS_PROJECTION,
  formatLogPosition,
  formatReport,
  loadAgencyRegistry,
  readDailyCountsReport,
  reportJson,
  type AgencyRegistry,
  type DailyCountsReport,
  type LogPosition,
} from '@tthc/core';
import { reportWorkbook } from '@tthc/report-xlsx';
import type { Stores } from '@tthc/stores';
import { ApiProblem } from './problem';
import type { ReportQuery } from './schemas';

/** What the report endpoint sends: a body, its type, and the view's state it reflects. */
export interface RenderedReport {
  readonly body: string | Buffer | ReturnType<typeof reportJson>;
  readonly contentType: string;
  readonly filename?: string;
  readonly etag: string;
  readonly position: string | null;
  readonly eventsBehind: number;
}

const CONTENT_TYPES: Record<ReportQuery['format'], string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  form: 'text/plain; charset=utf-8',
  narrative: 'text/plain; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The state of the view a report is read from: it names the representation, so it is the ETag. */
interface ViewState {
  readonly version: number | null;
  readonly position: LogPosition | undefined;
  readonly registryVersion: number | null;
  readonly eventsBehind: number;
}

const tag = (s: ViewState): string =>
  `"v${s.version ?? 0}-${s.position ? formatLogPosition(s.position) : 'start'}-r${s.registryVersion ?? 0}-b${s.eventsBehind}"`;

const CACHE_ENTRIES = 64;
const WAIT_POLL_MS = 100;

/**
 * Reads reports from the view for the API. A report is the same as long as the view's live version,
 * its checkpoint, the registry and the backlog behind it are: that state is its ETag, checked before
 * anything is read, and the rendered report is kept under it, so a repeated request costs two small
 * queries. Concurrent requests for the same report share one read.
 */
export class ReportService {
  private readonly cache = new Map<string, Promise<RenderedReport>>();
  private registry: { version: number; registry: AgencyRegistry } | undefined;

  constructor(private readonly stores: Stores) {}

  /** The report a query asks for, or `not-modified` when `ifNoneMatch` names it as it stands. */
  async report(query: ReportQuery, ifNoneMatch: string | undefined, signal: AbortSignal): Promise<RenderedReport | 'not-modified'> {
    if (query.waitFor !== undefined) await this.waitFor(query.waitFor, query.timeoutMs, signal);
    const [state, registry] = await Promise.all([this.viewState(), this.currentRegistry()]);
    const etag = tag({ ...state, registryVersion: registry?.version ?? null });
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return 'not-modified';
    const key = `${etag} ${cacheKey(query)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const rendered = this.render(query, registry, state);
    this.remember(key, rendered);
    const result = await rendered;
    // Read after the state was: if the view moved in between, keep it under its own state too.
    if (result.etag !== etag) this.remember(`${result.etag} ${cacheKey(query)}`, rendered);
    return result;
  }

  private async render(
    query: ReportQuery,
    registry: { version: number; registry: AgencyRegistry } | undefined,
    before: Omit<ViewState, 'registryVersion'>,
  ): Promise<RenderedReport> {
    if (query.reportMap !== 'each-day' && registry === undefined)
      throw new ApiProblem('NOT_FOUND', "map: counting under a day's agencies needs an agency registry in the store", {
        errors: [{ field: 'map', rule: 'needs an agency registry in the store (tthc registry import FILE)' }],
      });
    const read = await readDailyCountsReport(this.stores.dailyCountsStore, query.range, registry?.registry, undefined, query.reportMap);
    // Usually the view has not moved since its state was read: that state's backlog is this report's.
    // Else the backlog after the position the figures reflect, read after them (so never fewer than were missing).
    const state = read.asOf.position === (before.position ? formatLogPosition(before.position) : null) ? before : await this.stateAt(read.asOf.position);
    const { eventsBehind } = state;
    const report: DailyCountsReport = { ...read, asOf: { ...read.asOf, eventsBehind } };
    const etag = tag({ ...state, registryVersion: registry?.version ?? null });
    const base = { contentType: CONTENT_TYPES[query.format], etag, position: report.asOf.position, eventsBehind };
    if (query.format === 'json') return { ...base, body: reportJson(report, query.by) };
    if (query.format === 'xlsx')
      return { ...base, body: await reportWorkbook(report, query.by), filename: `bao-cao-${query.range.from}-${query.range.to}.xlsx` };
    return { ...base, body: formatReport(report, query.format, query.by) };
  }

  private remember(key: string, rendered: Promise<RenderedReport>): void {
    this.cache.set(key, rendered);
    // A failed read is not kept: the next request tries again.
    rendered.catch(() => this.cache.delete(key));
    while (this.cache.size > CACHE_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  /** The registry in the store, validated once per version. */
  async currentRegistry(): Promise<{ version: number; registry: AgencyRegistry } | undefined> {
    const stored = await this.stores.ingestStore.loadRegistry();
    if (!stored) return undefined;
    if (this.registry?.version !== stored.version) {
      const loaded = loadAgencyRegistry(stored.registry);
      if (!loaded.ok)
        throw new Error(`the stored registry (version ${stored.version}) is invalid: ${loaded.problems.map((p) => `${p.field}: ${p.rule}`).join('; ')}`);
      this.registry = { version: stored.version, registry: loaded.registry };
    }
    return this.registry;
  }

  private async liveCheckpoint(): Promise<{ version: number; position: LogPosition | undefined } | undefined> {
    const versions = await this.stores.projectionStore.listVersions(DAILY_COUNTS_PROJECTION);
    const live = versions.find((v) => v.status === 'live');
    return live ? { version: live.version, position: live.checkpoint?.position } : undefined;
  }

  /** The view's state at the position a report names, when the view moved after its state was read. */
  private async stateAt(named: string | null): Promise<Omit<ViewState, 'registryVersion'>> {
    const live = await this.liveCheckpoint();
    const position = named === null ? undefined : checkpointOf(named, live);
    return { version: live?.version ?? null, position, eventsBehind: (await this.stores.eventStore.backlog(position)).events };
  }

  private async viewState(): Promise<Omit<ViewState, 'registryVersion'>> {
    const live = await this.liveCheckpoint();
    const eventsBehind = (await this.stores.eventStore.backlog(live?.position)).events;
    return { version: live?.version ?? null, position: live?.position, eventsBehind };
  }

  /** Waits until the view has reached `target` (or has nothing left to read), polling its checkpoint. */
  private async waitFor(target: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const wanted = target === 'caught-up' ? undefined : parsePosition(target);
    for (;;) {
      const state = await this.viewState();
      const reached = wanted === undefined ? state.eventsBehind === 0 : state.position !== undefined && compareLogPositions(state.position, wanted) >= 0;
      if (reached) return;
      if (Date.now() >= deadline || signal.aborted) {
        const at = state.position ? formatLogPosition(state.position) : 'the start of the log';
        throw new ApiProblem(
          'POSITION_NOT_REACHED',
          `the view is at ${at} with ${state.eventsBehind} events behind it; it did not reach ${target} within ${timeoutMs} ms`,
          {
            retryAfterSeconds: 1,
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }
}

function parsePosition(text: string): LogPosition {
  const [commit = '0', prepare = '0'] = text.split('/');
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

/** The checkpoint's own position when it is the one the report names (it is, unless the view moved between the two reads). */
function checkpointOf(named: string, live: { position: LogPosition | undefined } | undefined): LogPosition {
  return live?.position && formatLogPosition(live.position) === named ? live.position : parsePosition(named);
}

const cacheKey = (q: ReportQuery): string => JSON.stringify([q.range.from, q.range.to, q.reportMap, q.by, q.format]);
