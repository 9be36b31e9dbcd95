/**
 * Helpers for integration tests against the running local cloud: real HTTP to the gateway,
 * real SDK calls to the emulators over loopback. No mocks.
 */

import { createHash, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DeclarationInput } from '#shared/domain/declaration.ts';

export const validImport = (): DeclarationInput =>
  JSON.parse(readFileSync(new URL('../fixtures/declarations/valid-import.json', import.meta.url), 'utf8')) as DeclarationInput;

/** A fresh EORI per test keeps listings independent of other tests. */
export const newParty = (): string => `GB${String(randomInt(100_000_000, 999_999_999))}${String(randomInt(100, 999))}`;

/** The party's duty deferment account number in the tests (7 digits from its EORI). */
export const defermentAccountOf = (party: string): string =>
  String((Number.parseInt(createHash('sha256').update(party).digest('hex').slice(0, 12), 16) % 9_000_000) + 1_000_000);

/**
 * A declaration of the party's, drawing on its deferment account (`defermentAccountOf`): open it
 * with `openDefermentAccount` for the declaration to be released without waiting for payment.
 */
export function declarationFor(party: string, overrides: (d: DeclarationInput) => void = () => {}): DeclarationInput {
  const declaration = validImport();
  declaration.declarant.id = party;
  declaration.importer.id = party;
  declaration.payment = { method: 'E', account: defermentAccountOf(party) };
  declaration.lrn = `LRN-${randomInt(1_000_000, 9_999_999)}`;
  delete declaration.consignment.ucr;
  declaration.consignment.arrivalDate = new Date().toISOString().slice(0, 10);
  overrides(declaration);
  return declaration;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

const parsedOrUndefined = (text: string | undefined): unknown => {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Test deferment accounts already opened, by API. */
const openedAccounts = new Set<string>();

/**
 * The declarant's test deferment account (`defermentAccountOf`), opened before its first
 * declaration is sent, as an administrator would open it (with an admin token from the local
 * cloud's token endpoint): tests about anything but revenue see declarations released as before.
 */
async function ensureTestAccount(apiUrl: string, body: unknown, call: ReturnType<typeof apiClient>['call']): Promise<void> {
  const declaration = body as Partial<DeclarationInput> | undefined;
  const party = declaration?.declarant?.id;
  if (!party || declaration?.payment?.account !== defermentAccountOf(party) || openedAccounts.has(`${apiUrl}#${party}`)) return;
  const tokenResponse = await fetch(`${apiUrl}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'admin' }),
  });
  const { token } = (await tokenResponse.json()) as { token: string };
  await openDefermentAccount(call, token, party);
  openedAccounts.add(`${apiUrl}#${party}`);
}

export function apiClient(apiUrl: string) {
  async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    if (/^\/v1\/declarations(\/[^/]+)?$/.test(path) && (method === 'POST' || method === 'PUT'))
      await ensureTestAccount(apiUrl, options.body ?? parsedOrUndefined(options.rawBody), call);
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${apiUrl}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
  return { call };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, { timeoutMs = 20_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Submits `count` declarations of the party (each accepted, 202), one after the other; their ids. */
export async function submitDeclarations(
  call: ReturnType<typeof apiClient>['call'],
  token: string,
  party: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const receipt = await call<{ id: string }>('POST', '/v1/declarations', { token, body: declarationFor(party) });
    if (receipt.status !== 202) throw new Error(`submission answered ${receipt.status}: ${JSON.stringify(receipt.body)}`);
    ids.push(receipt.body.id);
  }
  return ids;
}

/** Waits until each declaration is RELEASED (up to a minute); their statuses. */
export function released(call: ReturnType<typeof apiClient>['call'], token: string, ids: readonly string[]): Promise<string[]> {
  return Promise.all(
    ids.map((id) =>
      eventually(
        async () => {
          const view = await call<{ status: string }>('GET', `/v1/declarations/${id}`, { token });
          return view.body.status === 'RELEASED' ? view.body.status : undefined;
        },
        { timeoutMs: 60_000 },
      ),
    ),
  );
}

/** Opens the party's deferment account as an administrator would (a limit no test reaches unless it means to). */
export async function openDefermentAccount(
  api: ReturnType<typeof apiClient>['call'],
  adminToken: string,
  party: string,
  monthlyLimit = '10000000.00',
): Promise<void> {
  const opened = await api('POST', '/v1/admin/accounts', {
    token: adminToken,
    body: {
      kind: 'DEFERMENT',
      number: defermentAccountOf(party),
      ownerId: party,
      currency: 'GBP',
      deferment: { monthlyLimit, guarantee: { amount: monthlyLimit, guarantor: 'Test Bank plc' } },
    },
  });
  if (opened.status !== 201 && opened.status !== 200)
    throw new Error(`account of ${party} not opened: ${opened.status} ${JSON.stringify(opened.body)}`);
}
