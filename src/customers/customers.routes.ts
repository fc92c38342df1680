import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { transact } from '../db/transact.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { expectedVersionOf, versionEtag } from '../http/versioning.js';
import { runInTransaction } from '../http/idempotency.js';
import { notFound } from '../shared/errors.js';
import { withProblems } from '../shared/schemas.js';
import { createCustomer } from './create-customer.js';
import { toCustomerDto } from './customers.mapper.js';
import { findCustomerById } from './customers.repository.js';
import { CreateCustomerBody, CustomerIdParams, CustomerListQuery, CustomerOut, CustomerPage, UpdateCustomerBody } from './customers.schemas.js';
import { deleteCustomer } from './delete-customer.js';
import { listCustomers } from './find-customers.js';
import { updateCustomer } from './update-customer.js';

const tags = ['Customers'];


export async function customerRoutes(app: FastifyInstance, { db }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/customers', {
    schema: { tags, summary: 'Customers, a keyset page at a time', querystring: CustomerListQuery, response: withProblems({ 200: CustomerPage }) },
    config: { permission: 'customers:view' },
  }, async (request) => listCustomers(db, request.query));

  r.get('/customers/:id', {
    schema: { tags, summary: 'One customer; the ETag is its version', params: CustomerIdParams, response: withProblems({ 200: CustomerOut }, 404) },
    config: { permission: 'customers:view' },
  }, async (request, reply) => {
    const row = await findCustomerById(db, request.params.id);
    if (!row) throw notFound('customer', request.params.id);
    return reply.header('etag', versionEtag(row.version)).send(toCustomerDto(row));
  });

  r.post('/customers', {
    schema: { tags, summary: 'Add a customer (409 if the email exists)', body: CreateCustomerBody, response: withProblems({ 201: CustomerOut }, 409, 422) },
    config: { permission: 'customers:edit' },
  }, async (request, reply) => {
    const actor = principalOf(request).actor;
    const outcome = await runInTransaction(db, request, reply, async (trx) => ({
      status: 201, body: toCustomerDto(await createCustomer(trx, request.body, actor)),
    }));
    return reply.code(201).header('location', `/api/v1/customers/${outcome.body.id}`).header('etag', versionEtag(outcome.body.version)).send(outcome.body);
  });

  r.patch('/customers/:id', {
    schema: {
      tags, summary: 'Edit a customer; needs If-Match or version. Orders keep their own addresses.',
      params: CustomerIdParams, body: UpdateCustomerBody, response: withProblems({ 200: CustomerOut }, 404, 409, 412, 428),
    },
    config: { permission: 'customers:edit' },
  }, async (request, reply) => {
    const expected = expectedVersionOf(request, request.body.version);
    const row = await transact(db, (trx) => updateCustomer(trx, request.params.id, request.body, expected, principalOf(request).actor));
    return reply.header('etag', versionEtag(row.version)).send(toCustomerDto(row));
  });

  r.delete('/customers/:id', {
    schema: { tags, summary: 'Delete a customer who has no orders (409 otherwise)', params: CustomerIdParams, response: withProblems({ 204: Type.Null() }, 404, 409, 412) },
    config: { permission: 'customers:edit' },
  }, async (request, reply) => {
    await transact(db, (trx) => deleteCustomer(trx, request.params.id, expectedVersionOf(request), principalOf(request).actor));
    return reply.code(204).send(null);
  });
}
