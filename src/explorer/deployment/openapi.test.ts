/** How OpenAPI / Swagger documents become records: the mapping rules a planner relies on. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DiscoveredEntity } from '../../contracts/explorer.ts';
import { parseOpenApi } from './openapi.ts';

const DOC_URL = new URL('https://shop.example.com/openapi.json');

function parse(doc: unknown) {
  const parsed = parseOpenApi(typeof doc === 'string' ? doc : JSON.stringify(doc), DOC_URL, DOC_URL.toString());
  for (const entity of parsed?.entities ?? []) DiscoveredEntity.parse(entity);
  return parsed;
}

describe('OpenAPI documents', () => {
  test('what is not an OpenAPI document is ignored', () => {
    assert.equal(parse('<!doctype html><html><body>Swagger UI</body></html>'), null);
    assert.equal(parse({ paths: {} }), null, 'no openapi / swagger version');
    assert.equal(parse('{ not json'), null);
  });

  test('a YAML alias bomb is refused instead of expanded', () => {
    const bomb = [
      'openapi: 3.0.0',
      'paths: {}',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    assert.equal(parse(bomb), null);
  });

  test('servers on the same origin give the base path; other hosts are not probed', () => {
    assert.equal(parse({ openapi: '3.1.0', servers: [{ url: '/api/v2/' }], paths: {} })?.basePath, '/api/v2');
    assert.equal(parse({ openapi: '3.1.0', servers: [{ url: 'https://shop.example.com/v1' }], paths: {} })?.basePath, '/v1');
    assert.equal(parse({ openapi: '3.1.0', servers: [{ url: 'https://internal.example.net/v1' }], paths: {} })?.basePath, '');
  });

  test('allOf, nullable $refs, camelCase ids, 3.1 type lists and lists of records', () => {
    const doc = parse({
      openapi: '3.1.0',
      info: { title: 'Blog' },
      paths: { '/posts': { get: {}, post: {} }, '/posts/{postId}': { get: {} } },
      components: {
        schemas: {
          Base: {
            type: 'object',
            required: ['id'],
            properties: { id: { type: 'integer', format: 'int64' }, createdAt: { type: 'string' } },
          },
          Author: {
            allOf: [
              { $ref: '#/components/schemas/Base' },
              { type: 'object', properties: { homepage: { type: 'string' }, bio: { type: 'string' } } },
            ],
          },
          Post: {
            allOf: [
              { $ref: '#/components/schemas/Base' },
              {
                type: 'object',
                required: ['title', 'authorId'],
                properties: {
                  title: { type: 'string', maxLength: 200 },
                  body: { type: 'string', maxLength: 20000 },
                  authorId: { type: 'integer' },
                  editor: { allOf: [{ $ref: '#/components/schemas/Author' }], nullable: true },
                  subtitle: { type: ['string', 'null'] },
                  tags: { type: 'array', items: { type: 'string' } },
                  comments: { type: 'array', items: { $ref: '#/components/schemas/Comment' } },
                  state: { $ref: '#/components/schemas/State' },
                  published: { type: 'boolean' },
                },
              },
            ],
          },
          Comment: {
            type: 'object',
            properties: { id: { type: 'string', format: 'uuid' }, post_id: { type: 'integer' }, text: { type: 'string' } },
          },
          State: { type: 'string', enum: ['draft', 'live'] },
          ValidationProblem: { type: 'object', properties: { detail: { type: 'string' } } },
        },
      },
    })!;
    assert.equal(doc.title, 'Blog');
    assert.equal(doc.operationCount, 3);
    assert.deepEqual(
      doc.operations.map((o) => [o.method, o.path, o.hasPathParameters]),
      [
        ['GET', '/posts', false],
        ['POST', '/posts', false],
        ['GET', '/posts/{postId}', true],
      ],
    );
    assert.deepEqual(
      doc.entities.map((e) => e.source_name),
      ['Base', 'Author', 'Post', 'Comment'],
    );

    const post = doc.entities.find((e) => e.source_name === 'Post')!;
    assert.deepEqual(
      post.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['id', 'Integer', true],
        ['createdAt', 'DateTime', false],
        ['title', 'String', true],
        ['body', 'Text', false],
        ['authorId', 'Integer', true],
        ['editor', 'Integer', false],
        ['subtitle', 'String', false],
        ['tags', 'Text', false],
        ['state', 'Enum', false],
        ['published', 'Boolean', false],
      ],
    );
    assert.deepEqual(post.references, [
      { field: 'authorId', target: 'Author', on_delete: 'restrict' },
      { field: 'editor', target: 'Author', on_delete: 'restrict' },
    ]);
    assert.equal(post.fields.find((f) => f.name === 'state')!.source_type, '$ref State');
    assert.equal(post.evidence, 'openapi https://shop.example.com/openapi.json#/components/schemas/Post');

    const author = doc.entities.find((e) => e.source_name === 'Author')!;
    assert.deepEqual(
      author.fields.map((f) => [f.name, f.type]),
      [
        ['id', 'Integer'],
        ['createdAt', 'DateTime'],
        ['homepage', 'URL'],
        ['bio', 'Text'],
      ],
    );
    const comment = doc.entities.find((e) => e.source_name === 'Comment')!;
    assert.deepEqual(comment.references, [{ field: 'post_id', target: 'Post', on_delete: 'restrict' }]);
  });

  test('security schemes become readable mechanisms', () => {
    const doc = parse({
      openapi: '3.0.0',
      paths: {},
      components: {
        securitySchemes: {
          a: { type: 'http', scheme: 'basic' },
          b: { type: 'apiKey', in: 'cookie', name: 'session' },
          c: { type: 'oauth2', flows: {} },
          d: { type: 'openIdConnect', openIdConnectUrl: 'https://id.example.com' },
        },
      },
    })!;
    assert.deepEqual(doc.securitySchemes, ['HTTP basic', 'API key in cookie "session"', 'OAuth 2', 'OpenID Connect']);
  });
});
