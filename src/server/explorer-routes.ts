/** Spec §11.1 explorer API: start a scan, list scans, read one scan's findings and its dependency graph. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ExplorerFindings, ScanRecord, ScanRequest } from '../contracts/explorer.ts';
import { graphToMermaid } from '../explorer/scan-artifacts.ts';
import type { Runtime } from '../runtime.ts';
import { parseOr400 } from './http-errors.ts';
import { ErrorResponse, jsonSchema } from './openapi.ts';

const ScanParams = z.object({ scan_id: z.uuid('scan_id must be a scan id (a UUID)') });
const ScanListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Completed scans whose findings read most like this text, best first. */
  similar_to: z.string().trim().min(1).max(2000).optional(),
});
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };

export async function registerExplorerRoutes(app: FastifyInstance, runtime: Runtime): Promise<void> {
  const { explorer } = runtime;
  const tags = ['explorer'];
  const scanParams = { type: 'object', properties: { scan_id: { type: 'string', format: 'uuid' } }, required: ['scan_id'] } as const;

  app.post(
    '/api/explorer/scan',
    {
      schema: {
        tags,
        summary: 'Start a scan of a git repository, a running deployment or a database (runs in the background: 202)',
        body: jsonSchema(ScanRequest),
        response: { 202: jsonSchema(z.object({ scan: ScanRecord, links: z.object({ self: z.string() }) })), ...errors, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const body = parseOr400(ScanRequest, request.body, 'body');
      const scan = await explorer.start(body);
      const self = `/api/explorer/scans/${scan.id}`;
      return reply.code(202).header('location', self).send({ scan, links: { self } });
    },
  );

  app.get(
    '/api/explorer/scans',
    {
      schema: {
        tags,
        summary: 'Scans, newest first; ?similar_to=text ranks completed scans by similarity',
        querystring: jsonSchema(ScanListQuery),
      },
    },
    async (request) => {
      const q = parseOr400(ScanListQuery, request.query, 'query');
      if (q.similar_to) {
        const ranked = await explorer.similar(q.similar_to, q.limit);
        const scans = [];
        for (const r of ranked) scans.push({ ...(await explorer.get(r.scan_id)).record, similarity: r.score });
        return { scans };
      }
      return { scans: await explorer.list({ limit: q.limit }) };
    },
  );

  app.get(
    '/api/explorer/scans/:scan_id',
    {
      schema: {
        tags,
        summary: 'One scan: its record and, once completed, its findings',
        params: scanParams,
        response: { 200: jsonSchema(z.object({ scan: ScanRecord, findings: ExplorerFindings.nullable() })), ...errors },
      },
    },
    async (request) => {
      const { scan_id } = parseOr400(ScanParams, request.params, 'params');
      const { record, findings } = await explorer.get(scan_id);
      return { scan: record, findings };
    },
  );

  app.get(
    '/api/explorer/scans/:scan_id/graph',
    { schema: { tags, summary: 'The dependency graph of a completed scan, as JSON and as Mermaid', params: scanParams, response: errors } },
    async (request) => {
      const { scan_id } = parseOr400(ScanParams, request.params, 'params');
      const { record, findings } = await explorer.get(scan_id);
      if (!findings) {
        return {
          scan_id,
          status: record.status,
          graph: null,
          mermaid: null,
          reason: record.status === 'failed' ? `the scan failed: ${record.error}` : 'the scan is still running',
        };
      }
      return { scan_id, status: record.status, graph: findings.graph, mermaid: graphToMermaid(findings.graph), reason: null };
    },
  );
}
