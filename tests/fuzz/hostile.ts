/**
 * Structure-aware generation of hostile request bodies for the fuzz suites, and the checks every
 * answer must pass. A case is a recipe (plain data drawn by fast-check: which mutations, where,
 * which bytes, which headers); `buildRequest` turns it into the exact bytes and headers sent, so a
 * failing case is rebuilt from its index in the route test's `fc.sample(recipeArbitrary(route), { seed, numRuns })`.
 *
 * Mutations start from a valid body: fields deleted or replaced by values of the wrong type,
 * strings at and beyond their length limits, numbers where decimal strings belong, control and
 * bidirectional characters in text, deep nesting, arrays at and beyond their limits, duplicate and
 * hostile member names; then, for some cases, byte-level damage (truncation, invalid UTF-8, raw
 * control bytes, other encodings, non-JSON), header damage (media type, Content-Encoding) and
 * bodies at and beyond the route's size limit.
 */
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import fc from 'fast-check';
import { visit } from 'jsonc-parser';
import { isTextContent, MAX_BODY_BYTES } from '#local/gateway.ts';
import { LAMBDA_PAYLOAD_LIMIT_BYTES } from '#local/lambda.ts';

// ---- JSON trees with raw text and repeated member names -----------------------------------------

/** Text spliced into the body as it is: deep nesting, odd number literals. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object whose member names may repeat (JSON.parse would keep only the last one). */
export class DupObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, Node]>) {}
}

export type Node = null | boolean | number | string | RawJson | DupObject | Node[] | { [key: string]: Node };
type PlainObject = { [key: string]: Node };
export type Path = ReadonlyArray<string | number>;

const isPlainObject = (node: Node | undefined): node is PlainObject =>
  node !== null && typeof node === 'object' && !Array.isArray(node) && !(node instanceof RawJson) && !(node instanceof DupObject);

/** Sets an own member, even one named `__proto__`. */
function setMember(target: PlainObject, name: string, value: Node): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

export function cloneNode(node: Node): Node {
  if (Array.isArray(node)) return node.map(cloneNode);
  if (node instanceof DupObject) return new DupObject(node.entries.map(([name, value]) => [name, cloneNode(value)] as const));
  if (isPlainObject(node)) {
    const copy: PlainObject = {};
    for (const name of Object.keys(node)) setMember(copy, name, cloneNode(node[name]!));
    return copy;
  }
  return node;
}

/** Plain JSON data (from a fixture or a schema example) as a tree. */
export const fromJson = (value: unknown): Node => cloneNode(JSON.parse(JSON.stringify(value)) as Node);

export function serialize(node: Node): string {
  if (node instanceof RawJson) return node.text;
  if (node instanceof DupObject) return `{${node.entries.map(([name, value]) => `${JSON.stringify(name)}:${serialize(value)}`).join(',')}}`;
  if (Array.isArray(node)) return `[${node.map(serialize).join(',')}]`;
  if (isPlainObject(node))
    return `{${Object.keys(node)
      .map((name) => `${JSON.stringify(name)}:${serialize(node[name]!)}`)
      .join(',')}}`;
  return JSON.stringify(node);
}

/** Every node with its path, depth first, at most `limit` of them (long arrays stay cheap). */
function walk(root: Node, limit = 4000): { path: Path; node: Node }[] {
  const found: { path: Path; node: Node }[] = [];
  const stack: { path: Path; node: Node }[] = [{ path: [], node: root }];
  while (stack.length > 0 && found.length < limit) {
    const entry = stack.pop()!;
    found.push(entry);
    const { node, path } = entry;
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index -= 1) stack.push({ path: [...path, index], node: node[index]! });
    } else if (isPlainObject(node)) {
      const names = Object.keys(node);
      for (let index = names.length - 1; index >= 0; index -= 1) stack.push({ path: [...path, names[index]!], node: node[names[index]!]! });
    }
  }
  return found;
}

function nodeAt(root: Node, path: Path): Node | undefined {
  let node: Node | undefined = root;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === 'number') node = node[step];
    else if (isPlainObject(node) && typeof step === 'string') node = node[step];
    else return undefined;
  }
  return node;
}

/** Replaces the node at `path`; returns the (possibly new) root. */
function replaceAt(root: Node, path: Path, value: Node): Node {
  if (path.length === 0) return value;
  const parent = nodeAt(root, path.slice(0, -1));
  const last = path.at(-1)!;
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isPlainObject(parent) && typeof last === 'string') setMember(parent, last, value);
  return root;
}

function deleteAt(root: Node, path: Path): Node {
  if (path.length === 0) return new RawJson('');
  const parent = nodeAt(root, path.slice(0, -1));
  const last = path.at(-1)!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isPlainObject(parent) && typeof last === 'string') delete parent[last];
  return root;
}

export const pointerOf = (path: Path): string => (path.length === 0 ? '(root)' : `/${path.join('/')}`);

// ---- vocabularies --------------------------------------------------------------------------------

/** Values of the wrong type (or of the right type but empty or absurd). */
export const wrongValues: readonly Node[] = [
  0,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  {},
  '',
  ' ',
  '\t\n',
  'null',
  'true',
  '0',
  '-1',
  'NaN',
  'undefined',
  new RawJson('-0'),
  new RawJson('1e999'),
  new RawJson('123456789012345678901234567890'),
  new RawJson('1E+2'),
  [[]],
  [null],
  { $ne: null },
  { value: 'x' },
  ['GB123456789000'],
  'GB123456789000',
];

/** JSON numbers for the places where the schema wants decimal strings. */
export const numberLiterals = ['5000', '5000.00', '0', '-0', '-1', '0.1', '1e21', '1e-7', '1e999', '12345678901234567890', '2000.5'];

/** Control and bidirectional characters, and other awkward code points, for free text. */
export const awkwardCharacters = [
  '\u0000',
  '\u001b[31m',
  '\r\nX-Forged: 1',
  '\u202e',
  '\u2066',
  '\u0085',
  '\u061c',
  '\u200e',
  '\u200f',
  '\u007f',
  '\t',
  '\u0008',
  '\u009b',
  '\u2069',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u2028',
  '\u00a0',
  '\u{1f600}',
];

/** Repeated characters for long strings: ASCII, two-byte, four-byte (two UTF-16 units), whitespace that trims to nothing. */
export const fillCharacters = ['x', 'é', '\u{1f600}', ' ', '9'];

/** Member names: prototype keys, empty, look-alikes of real fields, a JSON pointer's escapes. */
export const hostileNames = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'LRN',
  'lrn ',
  'items\u0000',
  'a/b~c',
  '$where',
  'Format',
  'x'.repeat(300),
];

export const nonJsonTexts = [
  '',
  ' ',
  '\n\t ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-',
  '{',
  '[',
  '"',
  '[]',
  '{}',
  '0',
  '"declaration"',
  'true',
  '<?xml version="1.0"?><declaration/>',
  'lrn=1&type=IM',
  "{'lrn':'x'}",
  '{lrn:"x"}',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  '[1,]',
  '{"a":01}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":1}//',
  '/*c*/{}',
  '\u0000'.repeat(16),
];

const invalidUtf8 = [
  [0xff],
  [0xfe],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xe2, 0x82],
];
const rawControlBytes = [0x00, 0x1b, 0x0a, 0x0d, 0x7f, 0x08, 0x0c];
const prefixes = ['\ufeff', ' ', ")]}',\n", 'x', '//c\n', '\u0000', '\ufeff\ufeff'];
const suffixes = [' ', '\n', 'x', ',', '}', ']', '/*c*/', '\u0000', '{}', 'null', '\ufeff'];

export interface ContentTypeCase {
  value: string | undefined;
  /** true: a JSON media type; false: not one (the route must answer 415); undefined: no expectation. */
  json: boolean | undefined;
}

export const contentTypes: readonly ContentTypeCase[] = [
  { value: 'application/json', json: true },
  { value: 'application/json; charset=utf-8', json: true },
  { value: 'Application/JSON', json: true },
  { value: 'application/problem+json', json: true },
  { value: 'application/vnd.customs.declaration+json', json: true },
  { value: undefined, json: false },
  { value: '', json: false },
  { value: 'text/plain', json: false },
  { value: 'text/json', json: false },
  { value: 'application/x-www-form-urlencoded', json: false },
  { value: 'multipart/form-data; boundary=fuzz', json: false },
  { value: 'application/octet-stream', json: false },
  { value: 'application/jsonp', json: false },
  { value: 'application/xml', json: false },
  { value: '*/*', json: false },
  { value: 'application/json, text/plain', json: undefined },
  { value: 'application/json; charset=utf-16', json: undefined },
  { value: `application/json; x=${'a'.repeat(6000)}`, json: undefined },
];

const encodingLabels = [
  'identity',
  'IDENTITY',
  ' identity ',
  'gzip, gzip',
  'x-gzip',
  'compress',
  'zstd',
  '',
  'gzip;q=1',
  'br, gzip',
  'Gzip',
  'deflate',
];

// ---- recipes -------------------------------------------------------------------------------------

export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'wrongType'; at: number; pick: number }
  | { op: 'numberForDecimal'; at: number; pick: number }
  | { op: 'longString'; at: number; length: number; fill: number }
  | { op: 'awkwardCharacter'; at: number; pick: number; position: number }
  | { op: 'deepNest'; at: number; depth: number; shape: 'array' | 'object' | 'mixed' }
  | { op: 'longArray'; at: number; length: number }
  | { op: 'duplicateKey'; at: number; name: number; variant: 'same' | 'other' | 'wrong' }
  | { op: 'unknownField'; at: number; name: number; pick: number }
  | { op: 'longKey'; at: number; length: number }
  | { op: 'manyKeys'; at: number; count: number; length: number }
  | { op: 'replaceRoot'; pick: number }
  /** A whole value of the route's own (e.g. a risk criteria tree at and beyond its bounds). */
  | { op: 'special'; at: number; pick: number };

export type ByteMutation =
  | { op: 'truncate'; at: number }
  | { op: 'invalidUtf8'; at: number; pick: number }
  | { op: 'rawControl'; at: number; pick: number }
  | { op: 'flip'; at: number; xor: number }
  | { op: 'prefix'; pick: number }
  | { op: 'suffix'; pick: number }
  | { op: 'nonJson'; pick: number }
  | { op: 'randomBytes'; bytes: number[] }
  | { op: 'reencode'; encoding: 'utf16le' | 'latin1' | 'utf16be' };

export type Encoding =
  | { kind: 'none' }
  | { kind: 'gzip' }
  | { kind: 'gzipGarbage'; truncated: boolean }
  | { kind: 'gzipBomb'; delta: number }
  | { kind: 'br' }
  | { kind: 'deflate' }
  | { kind: 'label'; pick: number };

export interface SizeCase {
  /** Target length relative to the route's maxBytes. */
  delta: number;
  pad: 'space' | 'field';
}

export interface Recipe {
  mutations: Mutation[];
  bytes: ByteMutation | undefined;
  contentType: number;
  encoding: Encoding;
  size: SizeCase | undefined;
  /** Route-specific choice, e.g. the reference document kind and how its body is spoilt. */
  variant: number;
}

export interface RouteFuzzSpec {
  /** e.g. 'POST /v1/declarations' */
  name: string;
  method: 'POST' | 'PUT';
  /** The request path for a case (its variant). */
  path: (variant: number) => string;
  /** The route's body limit (after decompression), from its operation. */
  maxBytes: number;
  /** Content-Encoding: gzip accepted. */
  gzip: boolean;
  /** A valid body for the variant: the mutations start from it. */
  base: (variant: number) => Node;
  /** Applied after the mutations, e.g. to make sure a body can never be loaded. */
  finish?: (root: Node, variant: number, steps: string[]) => Node;
  /** Interesting string lengths (limits and one past them). */
  stringLengths: readonly number[];
  /** Interesting array lengths (limits and one past them). */
  arrayLengths: readonly number[];
  /** Route-specific values for the `special` mutation (e.g. criteria trees), at `path` when the body has it. */
  specials?: readonly { label: string; path?: Path; value: () => Node }[];
  /** How many variants (default 1). */
  variants?: number;
  /** Relative weight of size cases (at and beyond maxBytes) among all cases, in percent. */
  sizePercent: number;
  /** Whether the decoded JSON value would be accepted (the route's schema and rules). */
  accepts: (value: unknown, variant: number) => boolean;
  /**
   * Headers every case of the variant carries besides the generated ones (e.g. the If-Match an
   * amendment needs); read as each case is built, just before it is sent.
   */
  headers?: (variant: number) => Record<string, string>;
  /**
   * For a route that moves on what it acts on (a decision, an inspection, a cancellation, an
   * amendment): a body the contract accepts must then be answered 2xx, or with one of
   * `refusalsAfterAcceptance` (409, 412) once another body the contract accepts, for the same
   * `target` (e.g. the declaration of the variant), was accepted before this answer came (sent
   * concurrently counts: it may have won the race). Without it, a refused valid body is not checked.
   */
  stateful?: { target: (variant: number) => number; refusalsAfterAcceptance: readonly number[] };
}

/**
 * Largest body the generator builds uncompressed: API Gateway takes 10 MB and Lambda 6 MB of
 * event, and answers beyond them are the gateway's (`{"message":"Request Entity Too Large"}`),
 * not the platform's. Bodies past a route's larger limit (reference documents, 50 MB) are gzip.
 */
export const MAX_RAW_BYTES = 2_500_000;

const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> =>
  fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));

const at = fc.nat({ max: 1_000_000 });

/** One of the lengths; those of `large` or more are drawn a tenth as often (they cost time to send and to refuse). */
function lengths(all: readonly number[], large: number): fc.Arbitrary<number> {
  const small = all.filter((length) => length < large);
  const big = all.filter((length) => length >= large);
  if (big.length === 0) return fc.constantFrom(...small);
  if (small.length === 0) return fc.constantFrom(...big);
  return weighted([9 * small.length, fc.constantFrom(...small)], [big.length, fc.constantFrom(...big)]);
}

function mutationArbitrary(spec: RouteFuzzSpec): fc.Arbitrary<Mutation> {
  const pick = (list: readonly unknown[]) => fc.nat({ max: list.length - 1 });
  const entries: [number, fc.Arbitrary<Mutation>][] = [
    [10, fc.record({ op: fc.constant('delete' as const), at })],
    [12, fc.record({ op: fc.constant('wrongType' as const), at, pick: pick(wrongValues) })],
    [8, fc.record({ op: fc.constant('numberForDecimal' as const), at, pick: pick(numberLiterals) })],
    [
      10,
      fc.record({ op: fc.constant('longString' as const), at, length: lengths(spec.stringLengths, 50_000), fill: pick(fillCharacters) }),
    ],
    [12, fc.record({ op: fc.constant('awkwardCharacter' as const), at, pick: pick(awkwardCharacters), position: at })],
    [
      6,
      fc.record({
        op: fc.constant('deepNest' as const),
        at,
        depth: weighted(
          [6, fc.constantFrom(2, 8, 9, 60, 64, 65, 500)],
          [3, fc.constantFrom(1000, 4000, 5000)],
          [1, fc.constantFrom(20_000, 100_000)],
        ),
        shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
      }),
    ],
    [8, fc.record({ op: fc.constant('longArray' as const), at, length: lengths(spec.arrayLengths, 5000) })],
    [
      8,
      fc.record({
        op: fc.constant('duplicateKey' as const),
        at,
        name: at,
        variant: fc.constantFrom('same' as const, 'other' as const, 'wrong' as const),
      }),
    ],
    [8, fc.record({ op: fc.constant('unknownField' as const), at, name: pick(hostileNames), pick: pick(wrongValues) })],
    [
      4,
      fc.record({
        op: fc.constant('longKey' as const),
        at,
        length: weighted(
          [4, fc.constantFrom(64, 65, 1000, 4000)],
          [2, fc.constantFrom(Math.min(spec.maxBytes >> 4, 100_000), Math.min(spec.maxBytes >> 1, 1_000_000))],
          [spec.maxBytes < MAX_RAW_BYTES ? 1 : 0, fc.constant(spec.maxBytes + 1)],
        ),
      }),
    ],
    [
      4,
      fc.record({
        op: fc.constant('manyKeys' as const),
        at,
        // Around the 100 problems a document lists, with names short, at the 64 a message quotes, and long.
        count: fc.constantFrom(99, 100, 101, 150, 1000),
        length: fc.constantFrom(6, 64, 600),
      }),
    ],
    [2, fc.record({ op: fc.constant('replaceRoot' as const), pick: pick(wrongValues) })],
  ];
  if (spec.specials && spec.specials.length > 0)
    entries.push([10, fc.record({ op: fc.constant('special' as const), at, pick: pick(spec.specials) })]);
  return weighted(...entries);
}

const byteMutationArbitrary: fc.Arbitrary<ByteMutation> = weighted<ByteMutation>(
  [4, fc.record({ op: fc.constant('truncate' as const), at })],
  [5, fc.record({ op: fc.constant('invalidUtf8' as const), at, pick: fc.nat({ max: invalidUtf8.length - 1 }) })],
  [3, fc.record({ op: fc.constant('rawControl' as const), at, pick: fc.nat({ max: rawControlBytes.length - 1 }) })],
  [3, fc.record({ op: fc.constant('flip' as const), at, xor: fc.integer({ min: 1, max: 255 }) })],
  [2, fc.record({ op: fc.constant('prefix' as const), pick: fc.nat({ max: prefixes.length - 1 }) })],
  [2, fc.record({ op: fc.constant('suffix' as const), pick: fc.nat({ max: suffixes.length - 1 }) })],
  [3, fc.record({ op: fc.constant('nonJson' as const), pick: fc.nat({ max: nonJsonTexts.length - 1 }) })],
  [1, fc.record({ op: fc.constant('randomBytes' as const), bytes: fc.array(fc.nat({ max: 255 }), { maxLength: 512 }) })],
  [
    1,
    fc.record({
      op: fc.constant('reencode' as const),
      encoding: fc.constantFrom('utf16le' as const, 'latin1' as const, 'utf16be' as const),
    }),
  ],
);

const contentTypeArbitrary = weighted([60, fc.constant(0)], [12, fc.integer({ min: 1, max: contentTypes.length - 1 })]);

/** Gzip bombs inflating past the limit come from size cases on routes that take gzip (they cost time there). */
const encodingArbitrary = (spec: RouteFuzzSpec): fc.Arbitrary<Encoding> =>
  weighted<Encoding>(
    [80, fc.constant({ kind: 'none' } as const)],
    [4, fc.constant({ kind: 'gzip' } as const)],
    [2, fc.record({ kind: fc.constant('gzipGarbage' as const), truncated: fc.boolean() })],
    [spec.gzip ? 0 : 1, fc.record({ kind: fc.constant('gzipBomb' as const), delta: fc.constantFrom(0, 1) })],
    [2, fc.constant({ kind: 'br' } as const)],
    [2, fc.constant({ kind: 'deflate' } as const)],
    [3, fc.record({ kind: fc.constant('label' as const), pick: fc.nat({ max: encodingLabels.length - 1 }) })],
  );

export function recipeArbitrary(spec: RouteFuzzSpec): fc.Arbitrary<Recipe> {
  const sizeWeight = Math.round(spec.sizePercent * 100);
  const sizeArbitrary: fc.Arbitrary<SizeCase | undefined> = weighted(
    [10_000 - sizeWeight, fc.constant(undefined)],
    [sizeWeight, fc.record({ delta: fc.constantFrom(-1, 0, 1, 4096), pad: fc.constantFrom('space' as const, 'field' as const) })],
  );
  return fc.record({
    mutations: fc.array(mutationArbitrary(spec), { minLength: 1, maxLength: 3 }),
    bytes: weighted([80, fc.constant(undefined)], [20, byteMutationArbitrary]),
    contentType: contentTypeArbitrary,
    encoding: encodingArbitrary(spec),
    size: sizeArbitrary,
    variant: fc.nat({ max: (spec.variants ?? 1) - 1 }),
  });
}

// ---- building the request ------------------------------------------------------------------------

function applyMutation(spec: RouteFuzzSpec, root: Node, mutation: Mutation, steps: string[]): Node {
  const all = walk(root);
  const choose = <T>(list: readonly T[], index: number): T | undefined => (list.length === 0 ? undefined : list[index % list.length]);
  switch (mutation.op) {
    case 'delete': {
      const target = choose(all.slice(1), mutation.at);
      if (!target) return root;
      steps.push(`delete ${pointerOf(target.path)}`);
      return deleteAt(root, target.path);
    }
    case 'wrongType': {
      const target = choose(all, mutation.at)!;
      const value = wrongValues[mutation.pick]!;
      steps.push(`replace ${pointerOf(target.path)} with ${preview(serialize(value), 40)}`);
      return replaceAt(root, target.path, cloneNode(value));
    }
    case 'numberForDecimal': {
      const strings = all.filter((entry) => typeof entry.node === 'string');
      const decimals = strings.filter((entry) => /^\d+(\.\d+)?$/.test(entry.node as string));
      const target = choose(decimals.length > 0 ? decimals : strings, mutation.at) ?? all[0]!;
      const literal =
        typeof target.node === 'string' && /^\d+(\.\d+)?$/.test(target.node) && mutation.pick % 2 === 0
          ? target.node
          : numberLiterals[mutation.pick]!;
      steps.push(`number ${literal} at ${pointerOf(target.path)}`);
      return replaceAt(root, target.path, new RawJson(literal));
    }
    case 'longString': {
      const strings = all.filter((entry) => typeof entry.node === 'string');
      const target = choose(strings.length > 0 ? strings : all, mutation.at)!;
      const fill = fillCharacters[mutation.fill]!;
      // Every fill is one code point, and string limits count code points.
      const value = fill.repeat(mutation.length);
      steps.push(`string of ${mutation.length} × ${JSON.stringify(fill)} at ${pointerOf(target.path)}`);
      return replaceAt(root, target.path, value);
    }
    case 'awkwardCharacter': {
      const strings = all.filter((entry) => typeof entry.node === 'string');
      const target = choose(strings, mutation.at);
      const character = awkwardCharacters[mutation.pick]!;
      if (!target) {
        steps.push(`string ${JSON.stringify(character)} as root`);
        return `x${character}`;
      }
      const text = target.node as string;
      const position = mutation.position % (text.length + 1);
      steps.push(`insert ${JSON.stringify(character)} at ${pointerOf(target.path)}[${position}]`);
      return replaceAt(root, target.path, text.slice(0, position) + character + text.slice(position));
    }
    case 'deepNest': {
      const target = choose(all, mutation.at)!;
      steps.push(`nest ${mutation.depth} levels (${mutation.shape}) at ${pointerOf(target.path)}`);
      return replaceAt(root, target.path, new RawJson(deepText(mutation.depth, mutation.shape)));
    }
    case 'longArray': {
      const arrays = all.filter((entry) => Array.isArray(entry.node));
      const target = choose(arrays.length > 0 ? arrays : all, mutation.at)!;
      const current = target.node;
      let element: Node = Array.isArray(current) ? (current[0] ?? 'x') : current;
      // Arrays of arrays could multiply past what a gateway takes: keep the body under MAX_RAW_BYTES.
      const tooLarge = serialize(element).length * mutation.length > MAX_RAW_BYTES;
      if (tooLarge) element = 1;
      steps.push(
        `array of ${mutation.length}${tooLarge ? ' (of 1: the element is too large to repeat)' : ''} at ${pointerOf(target.path)}`,
      );
      return replaceAt(
        root,
        target.path,
        Array.from({ length: mutation.length }, () => cloneNode(element)),
      );
    }
    case 'duplicateKey': {
      const objects = all.filter((entry) => isPlainObject(entry.node) && Object.keys(entry.node).length > 0);
      const target = choose(objects, mutation.at);
      if (!target) return root;
      const object = target.node as PlainObject;
      const names = Object.keys(object);
      const name = names[mutation.name % names.length]!;
      const original = object[name]!;
      const repeated: Node = mutation.variant === 'same' ? cloneNode(original) : mutation.variant === 'other' ? otherValue(original) : 0;
      const entries = names.map((key) => [key, object[key]!] as const);
      steps.push(`repeat member ${pointerOf([...target.path, name])} (${mutation.variant} value)`);
      return replaceAt(root, target.path, new DupObject([...entries, [name, repeated]]));
    }
    case 'unknownField': {
      const objects = all.filter((entry) => isPlainObject(entry.node));
      const target = choose(objects, mutation.at);
      const name = hostileNames[mutation.name]!;
      const value = cloneNode(wrongValues[mutation.pick]!);
      if (!target) return root;
      steps.push(`add member ${JSON.stringify(preview(name, 40))} at ${pointerOf(target.path)}`);
      setMember(target.node as PlainObject, name, value);
      return root;
    }
    case 'longKey': {
      const objects = all.filter((entry) => isPlainObject(entry.node));
      const target = choose(objects, mutation.at);
      if (!target) return root;
      steps.push(`add a member named ${mutation.length} × "k" at ${pointerOf(target.path)}`);
      setMember(target.node as PlainObject, 'k'.repeat(mutation.length), 1);
      return root;
    }
    case 'manyKeys': {
      const objects = all.filter((entry) => isPlainObject(entry.node));
      const target = choose(objects, mutation.at);
      if (!target) return root;
      steps.push(`add ${mutation.count} members named by ${mutation.length} characters at ${pointerOf(target.path)}`);
      for (let index = 0; index < mutation.count; index += 1) {
        setMember(target.node as PlainObject, `${String(index).padStart(6, '0')}${'k'.repeat(Math.max(0, mutation.length - 6))}`, index);
      }
      return root;
    }
    case 'replaceRoot': {
      const value = wrongValues[mutation.pick]!;
      steps.push(`body replaced by ${preview(serialize(value), 40)}`);
      return cloneNode(value);
    }
    case 'special': {
      const special = spec.specials?.[mutation.pick];
      if (!special) return root;
      const path = special.path && isPlainObject(nodeAt(root, special.path.slice(0, -1))) ? special.path : choose(all, mutation.at)!.path;
      steps.push(`${special.label} at ${pointerOf(path)}`);
      return replaceAt(root, path, special.value());
    }
  }
}

function otherValue(original: Node): Node {
  if (typeof original === 'string') return original === 'OTHER-1' ? 'OTHER-2' : 'OTHER-1';
  if (typeof original === 'number') return original + 1;
  if (typeof original === 'boolean') return !original;
  return cloneNode(original);
}

export function deepText(depth: number, shape: 'array' | 'object' | 'mixed'): string {
  if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const half = Math.ceil(depth / 2);
  return `${'{"a":['.repeat(half)}1${']}'.repeat(half)}`;
}

function applyBytes(bytes: Buffer, mutation: ByteMutation, steps: string[]): Buffer {
  const position = (index: number) => (bytes.length === 0 ? 0 : index % (bytes.length + 1));
  switch (mutation.op) {
    case 'truncate': {
      const cut = bytes.length === 0 ? 0 : mutation.at % bytes.length;
      steps.push(`truncated to ${cut} bytes`);
      return bytes.subarray(0, cut);
    }
    case 'invalidUtf8': {
      const where = position(mutation.at);
      const sequence = invalidUtf8[mutation.pick]!;
      steps.push(`invalid UTF-8 ${sequence.map((byte) => byte.toString(16).padStart(2, '0')).join(' ')} inserted at byte ${where}`);
      return Buffer.concat([bytes.subarray(0, where), Buffer.from(sequence), bytes.subarray(where)]);
    }
    case 'rawControl': {
      const where = position(mutation.at);
      const byte = rawControlBytes[mutation.pick]!;
      steps.push(`raw byte 0x${byte.toString(16).padStart(2, '0')} inserted at byte ${where}`);
      return Buffer.concat([bytes.subarray(0, where), Buffer.from([byte]), bytes.subarray(where)]);
    }
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const where = mutation.at % bytes.length;
      const copy = Buffer.from(bytes);
      copy[where] = copy[where]! ^ mutation.xor;
      steps.push(`byte ${where} xor 0x${mutation.xor.toString(16)}`);
      return copy;
    }
    case 'prefix':
      steps.push(`prefixed ${JSON.stringify(prefixes[mutation.pick])}`);
      return Buffer.concat([Buffer.from(prefixes[mutation.pick]!), bytes]);
    case 'suffix':
      steps.push(`suffixed ${JSON.stringify(suffixes[mutation.pick])}`);
      return Buffer.concat([bytes, Buffer.from(suffixes[mutation.pick]!)]);
    case 'nonJson':
      steps.push(`body replaced by ${JSON.stringify(nonJsonTexts[mutation.pick])}`);
      return Buffer.from(nonJsonTexts[mutation.pick]!);
    case 'randomBytes':
      steps.push(`body replaced by ${mutation.bytes.length} random bytes`);
      return Buffer.from(mutation.bytes);
    case 'reencode': {
      steps.push(`re-encoded as ${mutation.encoding}`);
      const text = bytes.toString('utf8');
      if (mutation.encoding === 'utf16be') return Buffer.from(text, 'utf16le').swap16();
      return Buffer.from(text, mutation.encoding);
    }
  }
}

/** Pads `bytes` to `target` bytes with spaces, or with an unknown string member when it is an object. */
function padTo(bytes: Buffer, target: number, pad: 'space' | 'field'): Buffer {
  const missing = target - bytes.length;
  if (missing <= 0) return bytes;
  const member = '"pad":"",';
  if (pad === 'field' && bytes[0] === 0x7b && bytes.length > 2 && bytes[1] !== 0x7d && missing >= member.length) {
    const filler = Buffer.alloc(missing - member.length, 'x');
    return Buffer.concat([Buffer.from('{"pad":"'), filler, Buffer.from('",'), bytes.subarray(1)]);
  }
  return Buffer.concat([bytes, Buffer.alloc(missing, ' ')]);
}

const bombCache = new Map<string, Buffer>();

/** A gzip body that inflates to exactly `size` bytes: `json` (an object) padded by a string member. */
function gzipOfSize(json: string, size: number): Buffer {
  const key = `${size}:${json}`;
  const cached = bombCache.get(key);
  if (cached) return cached;
  const plain = padTo(Buffer.from(json.startsWith('{') && json.length > 2 ? json : '{"a":1}'), size, 'field');
  const compressed = gzipSync(plain, { level: 9 });
  bombCache.set(key, compressed);
  return compressed;
}

export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** What was done to the valid body, in order. */
  steps: string[];
  /** The status the route must answer when the contract names one (415, 413), else undefined. */
  expectedStatus: number | undefined;
  /**
   * The Lambda event carrying this body may pass Lambda's 6 MB payload limit (a body of control
   * characters grows six-fold as JSON text, a binary one by a third as base64): then API Gateway,
   * not the platform, may answer 413 `{"message":"Request Entity Too Large"}`.
   */
  overGatewayLimit?: boolean;
}

/** Room for the rest of the event (headers, request context) next to the body. */
const EVENT_OVERHEAD_BYTES = 32 * 1024;

/** How many bytes the body takes in the Lambda event the gateway builds (see local/gateway.ts). */
function bodyBytesInEvent(headers: Record<string, string>, body: Buffer): number {
  if (isTextContent(headers['content-type']) && !headers['content-encoding'])
    return Buffer.byteLength(JSON.stringify(body.toString('utf8')));
  return Math.ceil(body.length / 3) * 4 + 2;
}

export function normalisedEncoding(headers: Record<string, string>): string {
  return (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
}

export function buildRequest(spec: RouteFuzzSpec, recipe: Recipe): HostileRequest {
  const steps: string[] = [];
  let root = cloneNode(spec.base(recipe.variant));
  for (const mutation of recipe.mutations) root = applyMutation(spec, root, mutation, steps);
  if (spec.finish) root = spec.finish(root, recipe.variant, steps);
  let bytes: Buffer = Buffer.from(serialize(root));

  const sizeByGzip = recipe.size !== undefined && spec.gzip;
  if (recipe.size && !spec.gzip) {
    bytes = padTo(bytes, spec.maxBytes + recipe.size.delta, recipe.size.pad);
    steps.push(`sized to ${bytes.length} bytes (limit ${spec.maxBytes}, ${recipe.size.pad} padding)`);
  }
  if (recipe.bytes) bytes = applyBytes(bytes, recipe.bytes, steps);

  const contentType = contentTypes[recipe.contentType]!;
  const headers: Record<string, string> = { ...spec.headers?.(recipe.variant) };
  if (contentType.value !== undefined) headers['content-type'] = contentType.value;
  if (recipe.contentType !== 0)
    steps.push(`content-type ${contentType.value === undefined ? 'absent' : JSON.stringify(preview(contentType.value, 60))}`);

  let decodedSize = bytes.length;
  const encoding: Encoding = sizeByGzip ? { kind: 'gzipBomb', delta: recipe.size!.delta } : recipe.encoding;
  switch (encoding.kind) {
    case 'none':
      break;
    case 'gzip':
      bytes = gzipSync(bytes);
      headers['content-encoding'] = 'gzip';
      steps.push('gzip');
      break;
    case 'gzipGarbage': {
      const gzipped = gzipSync(bytes);
      bytes = encoding.truncated
        ? gzipped.subarray(0, Math.max(1, gzipped.length >> 1))
        : Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), bytes]);
      headers['content-encoding'] = 'gzip';
      steps.push(encoding.truncated ? 'gzip, truncated' : 'gzip header on plain bytes');
      break;
    }
    case 'gzipBomb': {
      decodedSize = spec.maxBytes + encoding.delta;
      bytes = gzipOfSize(bytes.toString('utf8'), decodedSize);
      headers['content-encoding'] = 'gzip';
      steps.push(`gzip of ${bytes.length} bytes inflating to ${decodedSize} (limit ${spec.maxBytes})`);
      break;
    }
    case 'br':
      bytes = brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } });
      headers['content-encoding'] = 'br';
      steps.push('brotli');
      break;
    case 'deflate':
      bytes = deflateSync(bytes);
      headers['content-encoding'] = 'deflate';
      steps.push('deflate');
      break;
    case 'label':
      headers['content-encoding'] = encodingLabels[encoding.pick]!;
      steps.push(`content-encoding ${JSON.stringify(encodingLabels[encoding.pick])} on plain bytes`);
      break;
  }

  // What the operation contract promises (shared/http/operation.ts): media type, then encoding, then size.
  const encodingName = normalisedEncoding(headers);
  const encodingRefused = encodingName !== 'identity' && !(spec.gzip && encodingName === 'gzip');
  let expectedStatus: number | undefined;
  if (contentType.json === false || (contentType.json === true && encodingRefused)) expectedStatus = 415;
  else if (contentType.json === true && encodingName === 'identity' && bytes.length > spec.maxBytes) expectedStatus = 413;
  else if (contentType.json === true && encoding.kind === 'gzipBomb' && spec.gzip && decodedSize > spec.maxBytes) expectedStatus = 413;

  const overGatewayLimit =
    bytes.length > MAX_BODY_BYTES || bodyBytesInEvent(headers, bytes) + EVENT_OVERHEAD_BYTES > LAMBDA_PAYLOAD_LIMIT_BYTES;
  return {
    method: spec.method,
    path: spec.path(recipe.variant),
    headers,
    body: bytes.length === 0 && recipe.bytes?.op !== 'nonJson' ? undefined : bytes,
    steps,
    expectedStatus,
    ...(overGatewayLimit ? { overGatewayLimit } : {}),
  };
}

// ---- the contract oracle -------------------------------------------------------------------------

const isJsonMediaType = (value: string | undefined): boolean => {
  if (value === undefined) return false;
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(type);
};

/** Whether the text repeats a member name in one object; undefined when it cannot tell (too deep). */
function hasDuplicateMember(text: string): boolean | undefined {
  const seen: Set<string>[] = [];
  let found = false;
  try {
    visit(
      text,
      {
        onObjectBegin: () => {
          seen.push(new Set());
        },
        onObjectEnd: () => {
          seen.pop();
        },
        onObjectProperty: (name) => {
          const names = seen.at(-1);
          if (!names) return;
          if (names.has(name)) found = true;
          names.add(name);
        },
      },
      { disallowComments: true, allowTrailingComma: false },
    );
  } catch {
    return undefined;
  }
  return found;
}

/**
 * Whether the platform may accept the request by its documented contract: a JSON media type, an
 * accepted encoding, at most maxBytes (decompressed), valid UTF-8 (`lenient`: decoded with
 * U+FFFD for bad bytes instead), JSON with unique member names (unless `ignoreDuplicates`) and a
 * value the route accepts.
 */
export function contractAccepts(
  spec: RouteFuzzSpec,
  request: HostileRequest,
  variant: number,
  options: { lenient?: boolean; ignoreDuplicates?: boolean } = {},
): boolean {
  if (!isJsonMediaType(request.headers['content-type'])) return false;
  let bytes: Buffer = request.body ?? Buffer.alloc(0);
  const encoding = normalisedEncoding(request.headers);
  if (encoding === 'gzip' && spec.gzip) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: spec.maxBytes });
    } catch {
      return false;
    }
  } else if (encoding !== 'identity') {
    return false;
  }
  if (bytes.length === 0 || bytes.length > spec.maxBytes) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: !options.lenient }).decode(bytes);
  } catch {
    return false;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (!options.ignoreDuplicates && hasDuplicateMember(text) !== false) return false;
  try {
    return spec.accepts(value, variant);
  } catch {
    return false;
  }
}

// ---- sending and checking ------------------------------------------------------------------------

export interface Answer {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/**
 * Sends the exact bytes and headers over a fresh connection (node:http, no keep-alive): the local
 * cloud shares this process's event loop, and a pooled connection the server closes while a
 * long request blocks the loop would fail the next request with ECONNRESET, a harness artefact.
 */
export function send(apiUrl: string, token: string, request: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      ...request.headers,
      authorization: `Bearer ${token}`,
      'content-length': String(request.body?.length ?? 0),
    };
    const outgoing = httpRequest(new URL(request.path, apiUrl), { method: request.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type'] ?? ''),
          bytes: Buffer.concat(chunks),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** API Gateway's own answer to a request over its or Lambda's payload limit. */
export const isGatewayTooLarge = (answer: Answer): boolean =>
  answer.status === 413 &&
  answer.contentType.startsWith('application/json') &&
  answer.bytes.toString('utf8') === '{"message":"Request Entity Too Large"}';

/** Largest problem document accepted (64 KB, exclusive). */
export const MAX_PROBLEM_BYTES = 64 * 1024;

/** Broken invariants of one answer to a request the contract refuses (or accepts). */
export function checkAnswer(request: HostileRequest, answer: Answer, acceptable: boolean): string[] {
  const broken: string[] = [];
  if (request.overGatewayLimit && isGatewayTooLarge(answer)) return broken;
  if (answer.status >= 500) broken.push(`answered ${answer.status} (a server error)`);
  if (answer.status >= 200 && answer.status < 300) {
    if (!acceptable) broken.push(`accepted (${answer.status}) a body the contract refuses`);
  } else {
    if (!/^application\/problem\+json\s*(;|$)/i.test(answer.contentType))
      broken.push(`non-2xx answer is ${answer.contentType || 'untyped'}, not application/problem+json`);
    if (answer.bytes.length >= MAX_PROBLEM_BYTES) broken.push('problem document of 64 KB or more');
    let document: { status?: unknown; problems?: unknown } | undefined;
    try {
      document = JSON.parse(answer.bytes.toString('utf8')) as typeof document;
    } catch {
      broken.push('problem document is not JSON');
    }
    if (document !== undefined) {
      if (document === null || typeof document !== 'object') broken.push('problem document is not an object');
      else {
        if (document.status !== answer.status) broken.push('problem document status differs from the HTTP status');
        if (!Array.isArray(document.problems)) broken.push('problem document has no problems array');
        else if (document.problems.length > 100) broken.push('problem document lists more than 100 problems');
      }
    }
  }
  if (request.expectedStatus !== undefined && answer.status !== request.expectedStatus && answer.status < 500) {
    broken.push(`answered ${answer.status} where the contract says ${request.expectedStatus}`);
  }
  return broken;
}

// ---- running a route -----------------------------------------------------------------------------

export interface Violation {
  index: number;
  invariant: string;
  request: HostileRequest;
  answer: Answer;
}

export interface FuzzOutcome {
  sent: number;
  statuses: Record<number, number>;
  /** Requests the contract accepts that were answered 2xx: case index, variant, steps, the body sent (parsed) and the answer's JSON. */
  accepted: { index: number; variant: number; steps: string[]; sent: unknown; body: unknown }[];
  /** How many requests broke an invariant (a request may break several). */
  violationCount: number;
  /** Per kind of broken invariant: how many requests, and the one with the smallest body. */
  violations: Map<string, { count: number; smallest: Violation }>;
  /** Requests over Lambda's payload limit that API Gateway refused itself (413, not a problem document). */
  gatewayRefusals: number;
  /** The slowest requests (time to the whole answer), slowest first. */
  slowest: { index: number; ms: number; steps: string[] }[];
}

function record(outcome: FuzzOutcome, violation: Violation): void {
  const kind = violation.invariant.replace(/\d+/g, 'N');
  const seen = outcome.violations.get(kind);
  const size = (found: Violation) => found.request.body?.length ?? 0;
  if (!seen) outcome.violations.set(kind, { count: 1, smallest: violation });
  else {
    seen.count += 1;
    if (size(violation) < size(seen.smallest)) seen.smallest = violation;
  }
}

/**
 * Draws `runs` recipes with fast-check (fixed seed: the same cases every run), sends them with
 * modest concurrency and checks every answer. Nothing stops at the first broken invariant: the
 * outcome holds every kind found, each with its smallest case.
 */
export async function fuzzRoute(options: {
  spec: RouteFuzzSpec;
  apiUrl: string;
  token: string;
  runs: number;
  seed: number;
  concurrency?: number;
  /** Keep only the recipes this predicate allows (e.g. never a loadable reference document). */
  allow?: (request: HostileRequest, recipe: Recipe) => boolean;
  /** Whether the contract accepts a request; by default `contractAccepts` decides. */
  acceptable?: (request: HostileRequest, recipe: Recipe) => boolean;
}): Promise<FuzzOutcome> {
  const { spec, runs, seed } = options;
  let arbitrary = recipeArbitrary(spec);
  if (options.allow) {
    const allow = options.allow;
    arbitrary = arbitrary.filter((recipe) => allow(buildRequest(spec, recipe), recipe));
  }
  const recipes = fc.sample(arbitrary, { numRuns: runs, seed });
  const outcome: FuzzOutcome = {
    sent: 0,
    statuses: {},
    accepted: [],
    violationCount: 0,
    violations: new Map(),
    gatewayRefusals: 0,
    slowest: [],
  };
  let next = 0;
  /** Orders sends and answers across the workers (for stateful routes: what was accepted before an answer). */
  let tick = 0;
  const answeredValid: AnsweredValid[] = [];
  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= recipes.length) return;
      const recipe = recipes[index]!;
      const request = buildRequest(spec, recipe);
      let answer: Answer;
      const started = performance.now();
      const sentAt = tick++;
      try {
        answer = await send(options.apiUrl, options.token, request);
      } catch (error) {
        const reason = `${(error as Error).message}${(error as NodeJS.ErrnoException).code ? ` (${(error as NodeJS.ErrnoException).code})` : ''}`;
        outcome.sent += 1;
        outcome.violationCount += 1;
        record(outcome, {
          index,
          invariant: `no HTTP answer: ${reason}`,
          request,
          answer: { status: 0, contentType: '', bytes: Buffer.alloc(0) },
        });
        continue;
      }
      outcome.sent += 1;
      outcome.slowest.push({ index, ms: Math.round(performance.now() - started), steps: request.steps });
      outcome.slowest = outcome.slowest.sort((a, b) => b.ms - a.ms).slice(0, 5);
      outcome.statuses[answer.status] = (outcome.statuses[answer.status] ?? 0) + 1;
      if (request.overGatewayLimit && isGatewayTooLarge(answer)) outcome.gatewayRefusals += 1;
      const answeredAt = tick++;
      const acceptable = options.acceptable ? options.acceptable(request, recipe) : contractAccepts(spec, request, recipe.variant);
      const broken = checkAnswer(request, answer, acceptable);
      if (broken.length > 0) outcome.violationCount += 1;
      for (const invariant of broken) record(outcome, { index, invariant, request, answer });
      if (acceptable && spec.stateful && broken.length === 0 && !(request.overGatewayLimit && isGatewayTooLarge(answer)))
        answeredValid.push({ index, variant: recipe.variant, sentAt, answeredAt, request, answer });
      if (answer.status >= 200 && answer.status < 300 && acceptable) {
        outcome.accepted.push({
          index,
          variant: recipe.variant,
          steps: request.steps,
          sent: parseOrUndefined(request.body),
          body: parseOrUndefined(answer.bytes),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  if (spec.stateful) checkStatefulRefusals(spec.stateful, answeredValid, outcome);
  return outcome;
}

/** The JSON value of `bytes` decoded as `contractAccepts` decodes them (a leading byte order mark skipped), or undefined. */
function parseOrUndefined(bytes: Buffer | undefined): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

const isSuccess = (answer: Answer) => answer.status >= 200 && answer.status < 300;

/** A request the contract accepts on a stateful route, with when it was sent and answered (`tick`s). */
interface AnsweredValid {
  index: number;
  variant: number;
  sentAt: number;
  answeredAt: number;
  request: HostileRequest;
  answer: Answer;
}

/**
 * On a stateful route, every body the contract accepts is answered 2xx, or refused with one of
 * the route's refusals after another valid body for the same target was accepted first (sent
 * before this answer came: of two concurrent requests either may win).
 */
function checkStatefulRefusals(
  stateful: NonNullable<RouteFuzzSpec['stateful']>,
  answered: readonly AnsweredValid[],
  outcome: FuzzOutcome,
): void {
  for (const valid of answered) {
    if (isSuccess(valid.answer)) continue;
    const target = stateful.target(valid.variant);
    const movedOn = answered.some(
      (other) => other !== valid && isSuccess(other.answer) && stateful.target(other.variant) === target && other.sentAt < valid.answeredAt,
    );
    if (movedOn && stateful.refusalsAfterAcceptance.includes(valid.answer.status)) continue;
    outcome.violationCount += 1;
    record(outcome, {
      index: valid.index,
      invariant: `refused (${valid.answer.status}) a body the contract accepts${movedOn ? '' : ', with none accepted on its target before'}`,
      request: valid.request,
      answer: valid.answer,
    });
  }
}

// ---- reporting -----------------------------------------------------------------------------------

export function preview(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

function bodyPreview(bytes: Buffer | undefined): string {
  if (bytes === undefined) return '(no body)';
  const head = JSON.stringify(bytes.subarray(0, 240).toString('latin1'));
  const tail = bytes.length > 300 ? ` … ${JSON.stringify(bytes.subarray(bytes.length - 60).toString('latin1'))}` : '';
  return `${bytes.length} bytes, as latin1: ${head}${tail}`;
}

/** One paragraph per kind of broken invariant: how many requests, and the smallest one, sent and answered. */
export function describeViolations(spec: RouteFuzzSpec, outcome: FuzzOutcome, seed: number, runs: number): string {
  const lines = [
    `${spec.name}: ${outcome.violationCount} of ${outcome.sent} hostile requests broke ${outcome.violations.size} kind(s) of invariant ` +
      `(case #N = the N-th recipe of this test's fc.sample, seed ${seed}, numRuns ${runs}; rebuild it with buildRequest)`,
  ];
  for (const { count, smallest } of outcome.violations.values()) {
    const { request, answer } = smallest;
    lines.push(
      `- ${smallest.invariant}: ${count} request(s); smallest is case #${smallest.index}`,
      `    request: ${request.method} ${request.path} ${JSON.stringify(request.headers)}`,
      `    steps: ${request.steps.join('; ')}`,
      `    body: ${bodyPreview(request.body)}`,
      `    answer: ${answer.status} ${answer.contentType} ${answer.bytes.length} bytes: ${preview(answer.bytes.toString('utf8'), 300)}`,
    );
  }
  return lines.join('\n');
}
