/**
 * Route matching as API Gateway HTTP APIs do it: `METHOD /path/{param}` and greedy `{param+}`
 * routes; the most specific route wins (literal segments before parameters before greedy ones).
 */
import type { HttpMethod } from '#shared/resources.ts';

export interface Route<T> {
  method: HttpMethod;
  path: string;
  routeKey: string;
  auth: 'jwt' | 'none';
  target: T;
  segments: readonly Segment[];
}

type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface RouteMatch<T> {
  route: Route<T>;
  pathParameters: Record<string, string> | undefined;
}

export function compileRoute<T>(method: HttpMethod, path: string, auth: 'jwt' | 'none', target: T): Route<T> {
  if (!path.startsWith('/')) throw new Error(`Route path must start with '/': ${path}`);
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const segments: Segment[] = parts.map((part, index) => {
    const param = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
    if (!param) {
      if (part.includes('{') || part.includes('}')) throw new Error(`Unsupported route segment '${part}' in ${path}`);
      return { kind: 'literal', value: part };
    }
    const name = param[1] ?? '';
    if (param[2] === '+') {
      if (index !== parts.length - 1) throw new Error(`Greedy parameter must be the last segment: ${path}`);
      return { kind: 'greedy', name };
    }
    return { kind: 'param', name };
  });
  return { method, path, routeKey: `${method} ${path}`, auth, target, segments };
}

/** Finds the route for a request; `rawPath` is the path as received (percent-encoded). */
export function matchRoute<T>(routes: readonly Route<T>[], method: string, rawPath: string): RouteMatch<T> | undefined {
  const parts = rawPath === '/' ? [] : rawPath.slice(1).split('/');
  let best: { match: RouteMatch<T>; score: number[] } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const matched = matchSegments(route.segments, parts);
    if (!matched) continue;
    if (!best || compareScores(matched.score, best.score) > 0) {
      const hasParams = Object.keys(matched.params).length > 0;
      best = { match: { route, pathParameters: hasParams ? matched.params : undefined }, score: matched.score };
    }
  }
  return best?.match;
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): { params: Record<string, string>; score: number[] } | undefined {
  const params: Record<string, string> = {};
  const score: number[] = [];
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (!segment) return undefined;
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0 || rest.every((part) => part === '')) return undefined;
      params[segment.name] = safeDecode(rest.join('/'));
      score.push(1);
      return { params, score };
    }
    const part = parts[index];
    if (part === undefined || part === '') return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== safeDecode(part)) return undefined;
      score.push(3);
    } else {
      params[segment.name] = safeDecode(part);
      score.push(2);
    }
  }
  return parts.length === segments.length ? { params, score } : undefined;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
