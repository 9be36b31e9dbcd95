/**
 * Strict JSON decoding of request bodies: UTF-8 only (a malformed byte is an error, not U+FFFD),
 * plain RFC 8259 JSON (no comments, no trailing commas) and no duplicate member names.
 *
 * Duplicate names are refused because JSON.parse keeps the last one while the archive keeps the
 * bytes with both: what a signature covers and what the platform understood could differ
 * (RFC 8259 section 4: names SHOULD be unique; I-JSON, RFC 7493 section 2.3: MUST be unique).
 */
import { type JSONPath, visit } from 'jsonc-parser';
import { DomainError, problem, toPointer } from './problems.ts';

/** Deepest nesting of arrays and objects accepted: every document of the API needs fewer than 20. */
export const MAX_JSON_DEPTH = 64;

/** Decodes and parses a JSON body; problems point at '' or, for a duplicate, at the repeated member. */
export function parseJsonBytes(bytes: Uint8Array, title = 'Invalid body'): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DomainError('BAD_REQUEST', title, [problem('', 'MALFORMED_JSON', 'the body is not valid UTF-8')]);
  }
  // Before any recursive parser sees it: a few KB of brackets would otherwise exhaust the stack.
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw new DomainError('BAD_REQUEST', title, [
      problem('', 'JSON_TOO_DEEP', `the body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`),
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DomainError('BAD_REQUEST', title, [
      problem('', 'MALFORMED_JSON', `the body is not valid JSON: ${(error as Error).message.slice(0, 200)}`),
    ]);
  }
  const duplicate = firstDuplicateMember(text);
  if (duplicate) {
    throw new DomainError('BAD_REQUEST', title, [
      problem(
        toPointer(duplicate),
        'DUPLICATE_KEY',
        `'${String(duplicate.at(-1)).slice(0, 64)}' appears more than once in the same object; each member name may appear once`,
      ),
    ]);
  }
  return value;
}

/** The deepest nesting of [ and { outside strings, in one pass without recursion. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) depth -= 1;
  }
  return deepest;
}

/** The path of the first member whose name repeats one before it in the same object. */
function firstDuplicateMember(text: string): JSONPath | undefined {
  const seen: Set<string>[] = [];
  let found: JSONPath | undefined;
  visit(
    text,
    {
      onObjectBegin: () => {
        seen.push(new Set());
        return !found;
      },
      onObjectEnd: () => {
        seen.pop();
      },
      onObjectProperty: (name, _offset, _length, _line, _column, pathSupplier) => {
        const names = seen.at(-1);
        if (!names || found) return;
        if (names.has(name)) found = [...pathSupplier(), name];
        names.add(name);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found;
}
