/**
 * The one error type of Orderdeck. Every expected failure carries a stable code; the HTTP status
 * is decided here and nowhere else, so services never think in HTTP terms.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  card_number_refused: 400,
  totals_mismatch: 422,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  transition_refused: 409,
  version_conflict: 409,
  conflict: 409,
  duplicate: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  not_editable: 409,
  precondition_required: 428,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** The request field at fault, as a JSON pointer-ish path like `/items/0/quantity`. */
  readonly field: string | undefined;
  /** Extra machine-readable detail, e.g. the allowed stage targets. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string, id: string | number) => new AppError('not_found', `${what} ${id} was not found`);

export function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { field });
}
