/**
 * The one way the back office talks to the server. Errors arrive as problem+json and become ApiError,
 * so a page can show "someone else changed this order" for a 412 instead of a dump of JSON.
 */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  field?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
  get status(): number { return this.problem.status; }
  get code(): string { return this.problem.code; }
}

let csrfToken: string | null = null;
/** Set by the session provider after sign-in; echoed on every cookie-authenticated write. */
export const setCsrfToken = (token: string | null): void => { csrfToken = token; };

/** Called on any 401 so the app can send the user back to the sign-in page. */
let onUnauthenticated: () => void = () => {};
export const setUnauthenticatedHandler = (handler: () => void): void => { onUnauthenticated = handler; };

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> { data: T; headers: Headers; status: number }

/** `path` is relative to /api/v1, e.g. `/orders?stage=hold`. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method, headers, credentials: 'same-origin', signal: options.signal,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
    const error = new ApiError({ ...problem, status: response.status, code: problem.code ?? `http_${response.status}` });
    if (response.status === 401 && !path.startsWith('/auth/')) onUnauthenticated();
    throw error;
  }
  return { data: parsed as T, headers: response.headers, status: response.status };
}

export const api = async <T>(path: string, options?: RequestOptions): Promise<T> => (await apiRequest<T>(path, options)).data;

/** Builds a query string from a record, leaving out empty values; arrays repeat the key. */
export function queryString(params: Record<string, string | number | boolean | readonly string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
    else search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
