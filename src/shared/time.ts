/** Times are stored as UTC epoch milliseconds (BIGINT) on both databases and exposed as ISO-8601 UTC strings. */
export type EpochMs = number;

export const toIso = (ms: EpochMs): string => new Date(ms).toISOString();
export const toIsoOrNull = (ms: EpochMs | null | undefined): string | null => (ms == null ? null : toIso(ms));
