import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { transact } from '../db/transact.js';
import { principalOf, SESSION_COOKIE } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { sendProblem } from '../http/problem.js';
import { AppError } from '../shared/errors.js';
import { withProblems } from '../shared/schemas.js';
import { issueApiKey, listApiKeys, revokeApiKey } from './api-keys.service.js';
import { forgetApiKeys } from './api-key-cache.js';
import { sha256 } from './auth.repository.js';
import {
  ApiKeyCreated, ApiKeyList, CreateApiKeyBody, CreateUserBody, IdParams, LoginBody, SessionOut, UpdateUserBody, UserList, UserOut,
} from './auth.schemas.js';
import { describeSession, logIn, logOut } from './session.service.js';
import { listUsers, prepareNewUser, prepareUserChanges, registerUser, updateUser } from './users.service.js';

const authTags = ['Sign-in'];
const userTags = ['Users'];
const keyTags = ['API keys'];

// Responses carrying the CSRF token or a new key's secret are marked no-store so no cache keeps them.

/** The session cookie: unreadable by scripts, not sent on cross-site posts, HTTPS-only when served so. */
const cookieOptions = (request: FastifyRequest, maxAge: number) => ({
  httpOnly: true, sameSite: 'lax' as const, path: '/', secure: request.protocol === 'https', maxAge,
});

/** The id of the caller's own session row, so a password change can keep the caller signed in. */
function currentSessionId(request: FastifyRequest): string | undefined {
  const token = request.cookies[SESSION_COOKIE];
  return principalOf(request).via === 'session' && token ? sha256(token) : undefined;
}

export async function authRoutes(app: FastifyInstance, { db, config }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const settings = { loginAttemptsPerWindow: config.loginAttemptsPerWindow, sessionTtlHours: config.sessionTtlHours };

  r.post('/auth/login', {
    schema: { tags: authTags, summary: 'Sign in with email and password; sets the session cookie', body: LoginBody, response: withProblems({ 200: SessionOut }, 429), security: [] },
    // A password may be any string of digits; the body is checked and dropped, never stored or logged.
    config: { public: true, acceptsCardNumber: true },
  }, async (request, reply) => {
    const outcome = await logIn(db, { ...request.body, ip: request.ip }, settings);
    if (!outcome.ok && outcome.reason === 'rate_limited') {
      reply.header('retry-after', String(outcome.retryAfterSeconds));
      return sendProblem(reply, 429, 'rate_limited', 'too many failed sign-in attempts; try again later');
    }
    // One message for unknown email, wrong password and inactive user: nothing to enumerate.
    if (!outcome.ok) throw new AppError('invalid_credentials', 'wrong email or password');
    reply.setCookie(SESSION_COOKIE, outcome.token, cookieOptions(request, outcome.maxAgeSeconds)).header('cache-control', 'no-store');
    return outcome.session;
  });

  r.post('/auth/logout', {
    schema: { tags: authTags, summary: 'Sign out: ends the session and clears the cookie', response: withProblems({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (principalOf(request).via === 'session' && token) await transact(db, (trx) => logOut(trx, token));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  r.get('/auth/session', {
    schema: { tags: authTags, summary: 'The signed-in user, their permissions and the CSRF token (401 when not signed in)', response: withProblems({ 200: SessionOut }) },
    config: { public: true },
  }, async (request, reply) => {
    if (!request.principal) throw new AppError('unauthenticated', 'not signed in, or the session has expired');
    reply.header('cache-control', 'no-store');
    return describeSession(db, request.principal);
  });

  r.get('/users', {
    schema: { tags: userTags, summary: 'All users, active and not', response: withProblems({ 200: UserList }) },
    config: { permission: 'users:manage' },
  }, async () => ({ items: await listUsers(db) }));

  r.post('/users', {
    schema: { tags: userTags, summary: 'Create a user', body: CreateUserBody, response: withProblems({ 201: UserOut }, 409) },
    config: { permission: 'users:manage' },
  }, async (request, reply) => {
    const prepared = await prepareNewUser(request.body);
    const user = await transact(db, (trx) => registerUser(trx, prepared, principalOf(request).actor));
    return reply.code(201).header('location', `/api/v1/users/${user.id}`).send(user);
  });

  r.patch('/users/:id', {
    schema: {
      tags: userTags, summary: 'Change name, role, password or deactivate (users are never deleted)',
      params: IdParams, body: UpdateUserBody, response: withProblems({ 200: UserOut }, 404, 409),
    },
    config: { permission: 'users:manage' },
  }, async (request) => {
    const changes = await prepareUserChanges(request.body);
    const keep = currentSessionId(request);
    const updated = await transact(db, (trx) => updateUser(trx, request.params.id, changes, principalOf(request).actor, keep));
    forgetApiKeys(); // a key never outlives its owner's role or deactivation
    return updated;
  });

  // No Idempotency-Key storage here on purpose: it would keep the one-time secret in the database.
  r.post('/api-keys', {
    schema: { tags: keyTags, summary: 'Issue an API key; the key is shown only in this response', body: CreateApiKeyBody, response: withProblems({ 201: ApiKeyCreated }) },
    config: { permission: 'api_keys:manage' },
  }, async (request, reply) => {
    const created = await transact(db, (trx) => issueApiKey(trx, principalOf(request), request.body));
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  r.get('/api-keys', {
    schema: { tags: keyTags, summary: 'All API keys, without their secrets', response: withProblems({ 200: ApiKeyList }) },
    config: { permission: 'api_keys:manage' },
  }, async () => ({ items: await listApiKeys(db) }));

  r.delete('/api-keys/:id', {
    schema: { tags: keyTags, summary: 'Revoke an API key', description: 'The key stops working at once on this server and its workers. Other Orderdeck servers sharing the same PostgreSQL database keep a resolved key for up to 5 seconds, so there it stops working within 5 seconds.', params: IdParams, response: withProblems({ 204: Type.Null() }, 404) },
    config: { permission: 'api_keys:manage' },
  }, async (request, reply) => {
    await transact(db, (trx) => revokeApiKey(trx, request.params.id, principalOf(request)));
    forgetApiKeys();
    return reply.code(204).send(null);
  });
}
