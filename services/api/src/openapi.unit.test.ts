import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument, openApiText } from './openapi';

interface Operation {
  parameters?: { name: string; in: string; schema: unknown }[];
  security?: unknown[];
  responses: Record<string, unknown>;
}

describe('the OpenAPI document', () => {
  it('in schemas/openapi.json is what the routes generate (run pnpm schemas when it is not)', async () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'openapi.json'), 'utf8');
    expect(onDisk).toBe(await openApiText());
  });

  it('is OpenAPI 3.1 with every endpoint, its parameters from the zod schemas, bearer security and problem responses', async () => {
    const doc = (await openApiDocument()) as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/agencies',
        '/api/v1/dead-letters',
        '/api/v1/dead-letters/redrive',
        '/api/v1/ingest',
        '/api/v1/projections',
        '/api/v1/projections/{projection}/replay',
        '/api/v1/report',
        '/api/v1/status',
        '/health',
        '/metrics',
        '/ready',
      ].sort(),
    );
    const report = doc.paths['/api/v1/report']?.get;
    expect(report?.parameters?.map((p) => p.name)).toEqual(['period', 'cutoff', 'from', 'to', 'by', 'map', 'format', 'waitFor', 'timeoutMs']);
    expect(report?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(report?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '429', '503']));
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/dead-letters/redrive']?.post?.responses).toHaveProperty('403');
  });
});
