/** Times are stored as UTC epoch milliseconds (BIGINT) on both databases and exposed as ISO-8601 UTC strings. */
export type EpochMs = number;

export const toIso = (ms: EpochMs): string => new Date(ms).toISOString();
export const toIsoOrNull = (ms: EpochMs | null | undefined): string | null => (ms == null ? null : toIso(ms));

const READABLE_UTC = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

/** An instant as staff read it in history text ("1 Dec 2026 03:16 UTC"): prose, not an API value. */
export const toReadableUtc = (ms: EpochMs): string => `${READABLE_UTC.format(ms).replace(',', '')} UTC`;
