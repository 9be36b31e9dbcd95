/** The README's API table is what operators and integrators read first: every route in the route table must be in it, and nothing else. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operations } from '#shared/http/operations/index.ts';

const methods = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** `.../{id}/disable` after `/v1/admin/risk-profiles/{id}` means `/v1/admin/risk-profiles/{id}/disable`. */
function resolveShortPath(short: string, previous: string): string {
  const tail = short.slice('...'.length).split('/').filter(Boolean);
  const segments = previous.split('/');
  const at = segments.lastIndexOf(tail[0] ?? '');
  return [...(at >= 0 ? segments.slice(0, at) : segments), ...tail].join('/');
}

/** Reads `METHOD path` pairs from the first cell of each row: `GET`, `PUT /path` gives both methods the path. */
function routesInApiTable(readme: string): string[] {
  const section = readme.split(/^## API$/m)[1]?.split(/^## /m)[0] ?? '';
  const routes: string[] = [];
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    const firstCell = row.split('|')[1] ?? '';
    let pending: string[] = [];
    let previousPath = '';
    for (const [, code] of firstCell.matchAll(/`([^`]+)`/g)) {
      const [word, rawPath] = (code ?? '').split(' ');
      if (!word || !methods.has(word)) continue;
      pending.push(word);
      if (!rawPath) continue;
      const withoutQuery = rawPath.split('?')[0] ?? rawPath;
      const path = withoutQuery.startsWith('...') ? resolveShortPath(withoutQuery, previousPath) : withoutQuery;
      for (const method of pending) routes.push(`${method} ${path}`);
      pending = [];
      previousPath = path;
    }
  }
  return routes;
}

describe('README API table', () => {
  it('lists every operation of the route table exactly as declared, and no route that does not exist', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const declared = operations.map((op) => `${op.method} ${op.path}`).sort();

    // Act
    const documented = [...new Set(routesInApiTable(readme))].sort();

    // Assess
    expect(documented).toEqual(declared);
  });

  it('reads combined rows and short paths the way a reader would', () => {
    // Prepare
    const readme = [
      '## API',
      '| method and path | who | what |',
      '| `GET`, `PUT /v1/things/{id}`, `POST .../{id}/disable` | admin | x |',
      '| `GET /v1/things?limit=` | admin | y |',
      '## Next',
      '| `DELETE /v1/elsewhere` | admin | z |',
    ].join('\n');

    // Act
    const routes = routesInApiTable(readme);

    // Assess
    expect(routes).toEqual(['GET /v1/things/{id}', 'PUT /v1/things/{id}', 'POST /v1/things/{id}/disable', 'GET /v1/things']);
  });
});
