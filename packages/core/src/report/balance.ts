import type { CountsRow } from './daily-counts-report';

/*
 * The balance of the Ministry's statistics form: each dossier open when a period began or received in
 * it either left in the period (resolved, withdrawn, handed back with processing stops) or was still
 * in progress at its end, so carried over + received = resolved + in progress + withdrawn + handed back.
 */

/** Dossiers still in progress at the period end (đang giải quyết), due or not. */
export const inProgress = (atEnd: { readonly notDue: number; readonly overdue: number }): number => atEnd.notDue + atEnd.overdue;

/** The balance's left side: what came into the period. */
export const inflow = (f: { readonly carriedOver: number; readonly received: number; readonly transferredIn?: number }): number =>
  f.carriedOver + f.received + (f.transferredIn ?? 0);

/** The balance's right side, `inProgress` being the dossiers in progress at the end. */
export const outflow = (f: {
  readonly resolved: number;
  readonly inProgress: number;
  readonly withdrawn: number;
  readonly handedBack: number;
  readonly transferredOut?: number;
}): number => f.resolved + f.inProgress + f.withdrawn + f.handedBack + (f.transferredOut ?? 0);

export type BalanceFigures = Pick<CountsRow, 'carriedOver' | 'received' | 'resolved' | 'inProgressAtEnd' | 'withdrawn' | 'handedBack'> &
  Partial<Pick<CountsRow, 'transferredIn' | 'transferredOut'>>;

/** Both sides of a row's balance; every row of a report has them equal. */
export function balanceOf(row: BalanceFigures): { readonly inflow: number; readonly outflow: number } {
  return { inflow: inflow(row), outflow: outflow({ ...row, inProgress: inProgress(row.inProgressAtEnd) }) };
}
