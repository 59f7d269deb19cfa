/** part / whole as a percentage rounded half-up to 2 decimals; null when whole is 0. Exact: no float error at .xx5. */
export function percentHalfUp(part: number, whole: number): number | null {
  if (whole === 0) return null;
  const p = BigInt(part);
  const w = BigInt(whole);
  const hundredths = (p * 20000n + w) / (2n * w); // floor(p*10000/w + 1/2)
  return Number(hundredths) / 100;
}

/** The share of a row's received dossiers that came in online (tỷ lệ tiếp nhận trực tuyến), as the dashboard shows it. */
export const onlineShare = (row: { readonly received: number; readonly receivedOnline: number }): number | null =>
  percentHalfUp(row.receivedOnline, row.received);
