import type { Channel, OnlineServiceLevel } from '../events/dossier-events';
import type { Timeliness } from '../time/timeliness';

/**
 * Where a dossier stands (DVCQG codes in brackets): in progress [2, 4], awaiting a supplement [5],
 * awaiting a financial obligation [6], resolved [9], result returned [10]; or ended without a
 * result: refused at reception [3], withdrawn [7], processing stopped [8], handed back (trả lại).
 */
export const DOSSIER_STATUSES = [
  'in-progress',
  'awaiting-supplement',
  'awaiting-payment',
  'resolved',
  'returned',
  'refused-at-reception',
  'withdrawn',
  'stopped',
  'handed-back',
] as const;
export type DossierStatus = (typeof DOSSIER_STATUSES)[number];

/** What the lifecycle remembers of a dossier: enough to judge its next event and to count it. */
export interface DossierState {
  readonly dossierCode: string;
  readonly status: DossierStatus;
  readonly procedureCode: string;
  /** The agency the figures count the dossier under (the resolving agency). */
  readonly agencyCode: string;
  readonly receivingAgencyCode: string;
  /** Absent for an online submission refused at reception. */
  readonly channel: Channel;
  readonly onlineServiceLevel: OnlineServiceLevel | null;
  /** Local day of receipt (or of the refused submission). */
  readonly receivedDay: string;
  readonly receivedAt: string;
  /** The due date in force: set on receipt, reset when a requested supplement arrives. */
  readonly dueDate: string | null;
  /** A promise made in an apology letter; it does not move the due date. */
  readonly apologyDate: string | null;
  readonly finishedDay: string | null;
  readonly timeliness: Timeliness | null;
  readonly outcome: 'approved' | 'refused' | null;
  /** Local day the dossier left the in-progress set (resolved, withdrawn, stopped, handed back). */
  readonly closedDay: string | null;
  /**
   * Successors that took the dossier over after its agency ended, in order, each from the local day of
   * the event that named it (`handlingAgencyCode`); absent until one is named.
   */
  readonly handovers?: readonly Handover[];
}

/** A dossier taken over by a successor agency from a day on. */
export interface Handover {
  readonly agencyCode: string;
  readonly day: string;
  /** Named by an event of a dossier already closed (a result returned, a payment): its later events count there, but no open dossier moved. */
  readonly afterClose?: true;
}

/** The agency a dossier's figures count under now: the last successor that took it over, else its resolving agency. */
export const countingAgencyOf = (state: Pick<DossierState, 'agencyCode' | 'handovers'>): string =>
  state.handovers?.[state.handovers.length - 1]?.agencyCode ?? state.agencyCode;

export const isOpen = (status: DossierStatus): boolean => status === 'in-progress' || status === 'awaiting-supplement' || status === 'awaiting-payment';
