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
  constructor(readonly problem: Problem, readonly headers?: Headers) {
    super(problem.detail ?? problem.title ?? problem.code);
    this.name = 'ApiError';
  }
  get status(): number { return this.problem.status; }
  get code(): string { return this.problem.code; }
}

/** The server could not be reached at all (offline, server down, connection reset). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Could not reach Orderdeck. Check your connection and try again.', { cause });
    this.name = 'NetworkError';
  }
}

export const isAbortError = (error: unknown): boolean => error instanceof DOMException && error.name === 'AbortError';

let csrfToken: string | null = null;
/** Set by the session provider after sign-in; echoed on every cookie-authenticated write. */
export const setCsrfToken = (token: string | null): void => { csrfToken = token; };

/**
 * Asked on any 401 outside /auth/*: the session ended under the page. Resolves true once the user has
 * signed in again, and the request is then sent again (a 401 means the server did nothing with it);
 * false to give up, and the caller gets the 401.
 */
let onUnauthenticated: () => Promise<boolean> = async () => false;
export const setUnauthenticatedHandler = (handler: () => Promise<boolean>): void => { onUnauthenticated = handler; };

/** `promise`, or an AbortError as soon as `signal` aborts (a page left while waiting for the user to sign in again). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new DOMException('The request was aborted', 'AbortError'));
    if (signal.aborted) { abort(); return; }
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> { data: T; headers: Headers; status: number }

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // e.g. an HTML error page from a proxy: the status still tells what happened
  }
}

/** `path` is relative to /api/v1, e.g. `/orders?stage=hold`. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method, headers, credentials: 'same-origin', signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new NetworkError(error);
  }
  const parsed = parseBody(await response.text());
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
    const error = new ApiError({ ...problem, status: response.status, code: problem.code ?? `http_${response.status}` }, response.headers);
    if (response.status === 401 && !path.startsWith('/auth/') && await unlessAborted(onUnauthenticated(), options.signal)) {
      return apiRequest<T>(path, options); // signed in again: the same request, with the new session's CSRF token
    }
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

/** A sentence a person can act on, for any error an API call may throw. */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 403) return 'Your role does not allow this.';
    if (error.status === 404) return 'This was not found. It may have been deleted.';
    if (error.status === 429) return 'Too many requests. Wait a moment and try again.';
    if (error.status >= 500) {
      const id = typeof error.problem.requestId === 'string' ? ` (request id ${error.problem.requestId})` : '';
      return `The server ran into a problem. Try again; if it keeps happening, tell your administrator${id}.`;
    }
    // Server details are lower-case sentence fragments ("the order is not in this stage").
    return error.message.charAt(0).toUpperCase() + error.message.slice(1);
  }
  return 'Something went wrong. Try again.';
}
