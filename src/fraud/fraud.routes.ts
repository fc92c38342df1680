import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { readerOf } from '../db/database.js';
import { transact } from '../db/transact.js';
import { principalOf } from '../http/authenticate.js';
import type { AppContext } from '../http/context.js';
import { expectedVersionOf, versionEtag } from '../http/versioning.js';
import { actorLabel } from '../shared/actor.js';
import { notFound } from '../shared/errors.js';
import { pageByIdDesc } from '../shared/list-cursor.js';
import { withProblems } from '../shared/schemas.js';
import { addFraudBlock, removeFraudBlock } from './fraud-blocks.js';
import { toBlockDto, toFraudAuditDto, toFraudSettingsDto } from './fraud.mapper.js';
import { findFraudBlock, listFraudAudit, listFraudBlocks } from './fraud.repository.js';
import {
  AddBlockBody, AssessBody, AssessmentOut, BlockIdParams, BlockListQuery, BlockOut, BlockPage, FraudAuditPage, FraudAuditQuery,
  FraudSettingsOut, PutFraudSettingsBody,
} from './fraud.schemas.js';
import type { FraudSettings } from './fraud-settings.js';
import { invalidateFraudSettingsCache, readFraudSettings } from './load-fraud-settings.js';
import { previewFraudAssessment } from './preview-assessment.js';
import { updateFraudSettings } from './update-fraud-settings.js';

const tags = ['Fraud rules'];
const SORT = 'id_desc';

/**
 * The fraud rules: settings, block lists and a dry run. Reviewers (fraud_review:act) maintain the block
 * lists, as they do from an order; the rules themselves change how every order is routed, so changing
 * them takes settings:manage.
 */
export async function fraudRoutes(app: FastifyInstance, { db }: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const reader = readerOf(db);

  r.get('/fraud/settings', {
    schema: { tags, summary: 'The fraud rule settings; the ETag is their version', response: withProblems({ 200: FraudSettingsOut }) },
    config: { permission: 'fraud_review:view' },
  }, async (_request, reply) => {
    const record = await readFraudSettings(reader);
    return reply.header('etag', versionEtag(record.version)).send(toFraudSettingsDto(record));
  });

  r.put('/fraud/settings', {
    schema: {
      tags, summary: 'Replace the fraud rule settings; needs If-Match or version', body: PutFraudSettingsBody,
      response: withProblems({ 200: FraudSettingsOut }, 409, 412, 428),
    },
    config: { permission: 'settings:manage' },
  }, async (request, reply) => {
    const { version, ...settings } = request.body;
    const actor = actorLabel(principalOf(request).actor);
    const record = await transact(db, (trx) => updateFraudSettings(trx, settings as FraudSettings, expectedVersionOf(request, version), actor));
    invalidateFraudSettingsCache(); // again after the commit: see invalidateFraudSettingsCache
    return reply.header('etag', versionEtag(record.version)).send(toFraudSettingsDto(record));
  });

  r.get('/fraud/blocks', {
    schema: { tags, summary: 'Block list entries, newest first', querystring: BlockListQuery, response: withProblems({ 200: BlockPage }) },
    config: { permission: 'fraud_review:view' },
  }, async (request) => pageByIdDesc(request.query, SORT,
    (beforeId, limit) => listFraudBlocks(reader, { kind: request.query.kind, beforeId, limit }), toBlockDto));

  r.get('/fraud/audit', {
    schema: {
      tags, summary: 'Who changed the fraud rules or the block lists, when, and what changed; newest first',
      querystring: FraudAuditQuery, response: withProblems({ 200: FraudAuditPage }),
    },
    config: { permission: 'fraud_review:view' },
  }, async (request) => pageByIdDesc(request.query, SORT,
    (beforeId, limit) => listFraudAudit(reader, { action: request.query.action, beforeId, limit }), toFraudAuditDto));

  r.get('/fraud/blocks/:id', {
    schema: { tags, summary: 'One block list entry', params: BlockIdParams, response: withProblems({ 200: BlockOut }, 404) },
    config: { permission: 'fraud_review:view' },
  }, async (request) => {
    const row = await findFraudBlock(reader, request.params.id);
    if (!row) throw notFound('block', request.params.id);
    return toBlockDto(row);
  });

  r.post('/fraud/blocks', {
    schema: { tags, summary: 'Block an IP, email, card or address (409 "duplicate" if it is already blocked)', body: AddBlockBody, response: withProblems({ 201: BlockOut }, 409) },
    config: { permission: 'fraud_review:act' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    const row = await transact(db, (trx) => addFraudBlock(trx, request.body, actor));
    return reply.code(201).header('location', `/api/v1/fraud/blocks/${row.id}`).send(toBlockDto(row));
  });

  r.delete('/fraud/blocks/:id', {
    schema: { tags, summary: 'Remove a block list entry', params: BlockIdParams, response: withProblems({ 204: Type.Null() }, 404) },
    config: { permission: 'fraud_review:act' },
  }, async (request, reply) => {
    const actor = actorLabel(principalOf(request).actor);
    await transact(db, (trx) => removeFraudBlock(trx, request.params.id, actor));
    return reply.code(204).send(null);
  });

  r.post('/fraud/assess', {
    schema: { tags, summary: 'Dry run: how the current rules would score an order with these facts', body: AssessBody, response: withProblems({ 200: AssessmentOut }) },
    config: { permission: 'fraud_review:view' },
  }, async (request) => previewFraudAssessment(reader, request.body));
}
