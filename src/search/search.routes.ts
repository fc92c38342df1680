import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.js';

export async function searchRoutes(_app: FastifyInstance, _ctx: AppContext) {}
