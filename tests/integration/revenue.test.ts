/**
 * Duties secured before release, end to end on the local cloud (docs/revenue.md): deferment and
 * cash accounts drawn on at the release stage, payment requests paid through the provider
 * simulator's signed callback, refused callbacks, postponed VAT, an inspection's extra duty (on the
 * account or asked for), and the accounts' listing, which finishes what a stopped writer left.
 */
import { randomInt } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { sendConfirmation, signedConfirmation, simulatorKey } from '#local/payment-simulator.ts';
import { entityTypes, keys } from '#shared/adapters/keys.ts';
import { sharedDynamoDb } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { applyEntry, type LedgerEntry, openAccount as openingOf } from '#shared/domain/accounts.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { Dec, fixed2 } from '#shared/tariff/money.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually, newParty, openDefermentAccount } from './support.ts';

/** The demo's trusted trader: its clean declarations go GREEN with random selection off. */
const trustedTrader = 'GB987654321000';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;
let simulator: Buffer;

interface Charge {
  amount: string;
  status: string;
  reference?: string;
  account?: { number: string; sequence: number; kind: string };
  byTaxType: Record<string, string>;
}
interface View {
  id: string;
  status: string;
  version: number;
  lane: string | null;
  assessment: { totals: { total: string; byTaxType: Record<string, string> } } | null;
  duties: { status: string; postponedVat: string; charges: Charge[] } | null;
  paymentsDue: { reference: string; amount: string; currency: string; instructions: string }[];
}
interface Account {
  number: string;
  balance: string;
  version: number;
  deferment?: { used: string; monthlyLimit: string };
  entries: { sequence: number; kind: string; amount: string; declarationId?: string }[];
}

beforeAll(async () => {
  ({ cloud, api } = await startSeededCloud());
  admin = cloud.mintToken({ role: 'admin' });
  simulator = await simulatorKey({
    secretsEndpoint: cloud.endpoints.secretsManager,
    secretId: loadConfig('paymentCallback').secretId('paymentProviders'),
    region: process.env.AWS_REGION ?? 'eu-west-2',
  });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

const accountNumber = (): string => String(randomInt(1_000_000, 9_999_999));

async function openAccount(body: Record<string, unknown>): Promise<string> {
  const number = accountNumber();
  const opened = await api('POST', '/v1/admin/accounts', { token: admin, body: { number, currency: 'GBP', ...body } });
  expect(opened.status).toBe(201);
  return number;
}

async function account(number: string): Promise<Account> {
  const read = await api<Account>('GET', `/v1/accounts/${number}`, { token: admin });
  expect(read.status).toBe(200);
  return read.body;
}

async function submit(party: string, change: (d: DeclarationInput) => void): Promise<string> {
  const trader = cloud.mintToken({ role: 'trader', party });
  const response = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party, change) });
  expect(response.status).toBe(202);
  return response.body.id;
}

/** `timeoutMs`: fifty declarations at once on a machine shared with other builds take longer than one. */
async function settled(party: string, id: string, statuses: string[], timeoutMs = 60_000): Promise<View> {
  const trader = cloud.mintToken({ role: 'trader', party });
  return eventually(
    async () => {
      const view = await api<View>('GET', `/v1/declarations/${id}`, { token: trader });
      return statuses.includes(view.body.status) ? view.body : undefined;
    },
    { timeoutMs },
  );
}

const deferment = (limit: string) => ({
  kind: 'DEFERMENT',
  ownerId: trustedTrader,
  deferment: { monthlyLimit: limit, guarantee: { amount: limit, guarantor: 'Test Bank plc' } },
});

describe('duties secured before release', () => {
  it('releases a GREEN declaration charged to a deferment account: the used limit rises by exactly its total', async () => {
    // Prepare
    const number = await openAccount(deferment('100000.00'));

    // Act
    const id = await submit(trustedTrader, (d) => {
      d.payment = { method: 'E', account: number };
    });
    const view = await settled(trustedTrader, id, ['RELEASED', 'AWAITING_PAYMENT', 'UNDER_REVIEW']);

    // Assess
    const after = await account(number);
    expect(view).toMatchObject({ status: 'RELEASED', lane: 'GREEN', duties: { status: 'SECURED' }, paymentsDue: [] });
    expect(after.deferment?.used).toBe(view.assessment?.totals.total);
    expect(after.entries.map((entry) => [entry.kind, entry.amount, entry.declarationId])).toEqual([
      ['OPENED', '0.00', undefined],
      ['CHARGE', view.assessment?.totals.total, id],
    ]);
  });

  it('keeps one over the limit AWAITING_PAYMENT with what to pay, releases it once the simulator confirms the payment', async () => {
    // Prepare
    const number = await openAccount(deferment('10.00'));
    const id = await submit(trustedTrader, (d) => {
      d.payment = { method: 'E', account: number };
    });
    const waiting = await settled(trustedTrader, id, ['RELEASED', 'AWAITING_PAYMENT', 'UNDER_REVIEW']);
    const due = waiting.paymentsDue[0];
    if (!due) throw new Error('nothing to pay');

    // Act
    const paid = await sendConfirmation(cloud.apiUrl, signedConfirmation(simulator, due));
    const released = await settled(trustedTrader, id, ['RELEASED']);

    // Assess
    expect(waiting).toMatchObject({ status: 'AWAITING_PAYMENT', duties: { status: 'AWAITING_PAYMENT' } });
    expect(due).toMatchObject({ amount: waiting.assessment?.totals.total, currency: 'GBP', reference: `${id}-${waiting.version - 1}` });
    expect(due.instructions).toContain(due.reference);
    expect(paid).toEqual({ status: 200, body: { reference: due.reference, outcome: 'CONFIRMED', declarationStatus: 'RELEASED' } });
    expect(released).toMatchObject({ duties: { status: 'SECURED' }, paymentsDue: [] });
    expect((await account(number)).deferment?.used).toBe('0.00');
  });

  it("never draws on another party's account: the declaration waits for payment, told none of that account's figures", async () => {
    // Prepare: B's cash account holds 5,000.00; A (GREEN lane) names it, with B as importer.
    const [traderA, traderB] = [trustedTrader, newParty()];
    const accountOfB = await openAccount({ kind: 'CASH', ownerId: traderB });
    const topUp = await api('POST', `/v1/admin/accounts/${accountOfB}/top-ups`, {
      token: admin,
      body: { amount: '5000.00', reference: 'B-1' },
    });
    expect(topUp.status).toBeLessThan(300);

    // Act
    const id = await submit(traderA, (d) => {
      d.importer.id = traderB;
      d.payment = { method: 'P', account: accountOfB, postponedVat: false };
    });
    const waiting = await settled(traderA, id, ['AWAITING_PAYMENT', 'RELEASED', 'UNDER_REVIEW']);

    // Assess
    expect(waiting).toMatchObject({ status: 'AWAITING_PAYMENT', duties: { status: 'AWAITING_PAYMENT', charges: [{ status: 'PENDING' }] } });
    expect(waiting.paymentsDue).toHaveLength(1);
    expect(JSON.stringify(waiting.duties)).not.toContain('5000');
    expect(JSON.stringify(waiting.duties)).toContain(`account ${accountOfB} cannot be drawn on by ${traderA}: ask its holder`);
    expect((await account(accountOfB)).balance).toBe('5000.00');
  });

  it('refuses to amend a declaration under review whose duties are asked for (409 DUTIES_SECURED), changing nothing', async () => {
    // Prepare: RED-lane goods paid immediately: under review, the duties asked for with a payment request.
    const party = newParty();
    const trader = cloud.mintToken({ role: 'trader', party });
    const id = await submit(party, (d) => {
      ferroSiliconCif(d);
      d.payment = { method: 'H', postponedVat: false };
    });
    const waiting = await settled(party, id, ['UNDER_REVIEW']);
    const read = await api<{ declaration: DeclarationInput }>('GET', `/v1/declarations/${id}`, { token: trader });

    // Act
    const refused = await api<{ problems: { code: string }[] }>('PUT', `/v1/declarations/${id}`, {
      token: trader,
      headers: { 'if-match': `"${waiting.version}"` },
      body: read.body.declaration,
    });
    const after = await settled(party, id, ['UNDER_REVIEW']);

    // Assess
    expect([refused.status, refused.body.problems[0]?.code]).toEqual([409, 'DUTIES_SECURED']);
    expect(after).toMatchObject({ version: waiting.version, paymentsDue: waiting.paymentsDue });
  });

  it('refuses a forged, a replayed and a stale callback, changing nothing', async () => {
    // Prepare
    const id = await submit(trustedTrader, (d) => {
      d.payment = { method: 'H', postponedVat: false };
    });
    const waiting = await settled(trustedTrader, id, ['AWAITING_PAYMENT', 'RELEASED', 'UNDER_REVIEW']);
    const due = waiting.paymentsDue[0];
    if (!due) throw new Error('nothing to pay');
    const forgedKey = Buffer.alloc(32, 7);

    // Act
    const forged = await sendConfirmation(cloud.apiUrl, signedConfirmation(forgedKey, due));
    const stale = await sendConfirmation(cloud.apiUrl, signedConfirmation(simulator, due, Math.floor(Date.now() / 1000) - 3600));
    const tampered = signedConfirmation(simulator, due);
    const altered = await sendConfirmation(cloud.apiUrl, { ...tampered, body: tampered.body.replace(due.amount, '0.01') });
    const afterRefusals = await settled(trustedTrader, id, ['AWAITING_PAYMENT', 'RELEASED']);
    const genuine = signedConfirmation(simulator, due);
    const accepted = await sendConfirmation(cloud.apiUrl, genuine);
    const replayed = await sendConfirmation(cloud.apiUrl, genuine);
    const afterReplay = await settled(trustedTrader, id, ['RELEASED']);

    // Assess
    const code = (response: { body: unknown }) => (response.body as { problems: { code: string }[] }).problems[0]?.code;
    expect([forged.status, code(forged)]).toEqual([401, 'CALLBACK_SIGNATURE_INVALID']);
    expect([stale.status, code(stale)]).toEqual([401, 'CALLBACK_STALE']);
    expect([altered.status, code(altered)]).toEqual([401, 'CALLBACK_SIGNATURE_INVALID']);
    expect(afterRefusals).toMatchObject({ status: 'AWAITING_PAYMENT', version: waiting.version });
    expect(accepted.status).toBe(200);
    expect([replayed.status, code(replayed)]).toEqual([409, 'CALLBACK_REPLAYED']);
    expect(afterReplay.version).toBe(waiting.version + 1);
  });

  // On the account's own ledger, and on 16 allowance shards (docs/revenue.md): the same answer.
  it.each([1, 16])(
    'never takes a cash account below zero: 50 declarations at once on a balance for some of them (%i shards)',
    async (shards) => {
      // Prepare: the total of one declaration, then a balance for 12 of them and a little more.
      const number = await openAccount({ kind: 'CASH', ownerId: trustedTrader, ...(shards > 1 ? { shards } : {}) });
      const probe = await settled(
        trustedTrader,
        await submit(trustedTrader, (d) => {
          d.payment = { method: 'H', postponedVat: false };
        }),
        ['AWAITING_PAYMENT', 'RELEASED', 'UNDER_REVIEW'],
      );
      const total = probe.assessment?.totals.total ?? '0';
      const balance = fixed2(new Dec(total).times(12).plus('0.99'));
      const topUp = await api('POST', `/v1/admin/accounts/${number}/top-ups`, {
        token: admin,
        body: { amount: balance, reference: `BANK-${number}` },
      });
      expect(topUp.status).toBe(200);

      // Act
      const ids = await Promise.all(
        Array.from({ length: 50 }, () =>
          submit(trustedTrader, (d) => {
            d.payment = { method: 'P', account: number };
          }),
        ),
      );
      const views = await Promise.all(
        ids.map((id) => settled(trustedTrader, id, ['RELEASED', 'AWAITING_PAYMENT', 'UNDER_REVIEW'], 240_000)),
      );

      // Assess
      const after = await account(number);
      const charges = after.entries.filter((entry) => entry.kind === 'CHARGE');
      const charged = charges.reduce((sum, entry) => sum.plus(entry.amount), new Dec(0));
      expect(views.filter((view) => view.duties?.status === 'SECURED')).toHaveLength(12);
      expect(views.filter((view) => view.duties?.status === 'AWAITING_PAYMENT')).toHaveLength(38);
      expect(views.filter((view) => view.status === 'RELEASED').every((view) => view.duties?.status === 'SECURED')).toBe(true);
      expect(charges).toHaveLength(12);
      expect(new Set(charges.map((entry) => entry.declarationId)).size).toBe(12);
      expect(fixed2(charged)).toBe(fixed2(new Dec(total).times(12)));
      expect(after.balance).toBe('0.99');
    },
    180_000,
  );

  it('leaves the VAT lines unpaid but recorded under postponed VAT accounting', async () => {
    // Prepare
    const number = await openAccount(deferment('100000.00'));

    // Act
    const id = await submit(trustedTrader, (d) => {
      d.payment = { method: 'E', account: number, postponedVat: true };
    });
    const view = await settled(trustedTrader, id, ['RELEASED', 'AWAITING_PAYMENT', 'UNDER_REVIEW']);

    // Assess
    const vat = view.assessment?.totals.byTaxType.B00 ?? '';
    const charged = fixed2(new Dec(view.assessment?.totals.total ?? '0').minus(vat));
    expect(new Dec(vat).greaterThan(0)).toBe(true);
    expect(view).toMatchObject({ status: 'RELEASED', duties: { status: 'SECURED', postponedVat: vat } });
    expect(view.duties?.charges[0]).toMatchObject({ amount: charged });
    expect(view.duties?.charges[0]?.byTaxType.B00).toBeUndefined();
    expect((await account(number)).deferment?.used).toBe(charged);
  });

  it("books an inspection's extra duty on the deferment account, and the officer's release then releases it", async () => {
    // Prepare: RED-lane goods of a new trader, charged to its deferment account.
    const party = newParty();
    await openDefermentAccount(api, admin, party);
    const officer = cloud.mintToken({ role: 'officer', sub: 'officer-revenue' });
    const id = await submit(party, ferroSiliconCif);
    const queued = await settled(party, id, ['UNDER_REVIEW']);
    const base = `/v1/review/declarations/${id}`;
    expect((await api('POST', `${base}/claim`, { token: officer })).status).toBe(200);

    // Act
    const inspected = await api<View & { inspection: { difference: { total: string } } }>('POST', `${base}/inspections`, {
      token: officer,
      body: {
        result: 'DISCREPANCY',
        findings: 'shaver parts, not ferro-silicon',
        corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37' }],
      },
    });
    const released = await api<View>('POST', `${base}/decisions`, { token: officer, body: { action: 'RELEASE' } });

    // Assess
    const charges = inspected.body.duties?.charges ?? [];
    const defermentAccount = await account(charges[0]?.account?.number ?? '');
    expect(queued.duties).toMatchObject({ status: 'SECURED', charges: [{ amount: '1000.00', status: 'SECURED' }] });
    expect(inspected.status).toBe(200);
    expect(inspected.body.inspection.difference.total).toBe('391.79');
    expect(charges.map((charge) => [charge.amount, charge.status, charge.account?.kind])).toEqual([
      ['1000.00', 'SECURED', 'CHARGE'],
      ['391.79', 'SECURED', 'CHARGE'],
    ]);
    expect(defermentAccount.deferment?.used).toBe('1391.79');
    expect(released.body.status).toBe('RELEASED');
  });

  it("asks for an inspection's extra duty with a payment request when the duties are paid immediately", async () => {
    // Prepare: RED-lane goods of a new trader paying immediately (H): the assessed duties are asked for.
    const party = newParty();
    const officer = cloud.mintToken({ role: 'officer', sub: 'officer-revenue' });
    const id = await submit(party, (d) => {
      ferroSiliconCif(d);
      d.payment = { method: 'H', postponedVat: false };
    });
    const queued = await settled(party, id, ['UNDER_REVIEW']);
    const base = `/v1/review/declarations/${id}`;
    expect((await api('POST', `${base}/claim`, { token: officer })).status).toBe(200);

    // Act
    const inspected = await api<View>('POST', `${base}/inspections`, {
      token: officer,
      body: {
        result: 'DISCREPANCY',
        findings: 'shaver parts, not ferro-silicon',
        corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37' }],
      },
    });
    const decided = await api<View>('POST', `${base}/decisions`, { token: officer, body: { action: 'RELEASE' } });
    const waiting = await settled(party, id, ['AWAITING_PAYMENT']);

    // Assess
    expect(queued.duties).toMatchObject({ status: 'AWAITING_PAYMENT', charges: [{ amount: '1000.00', status: 'PENDING' }] });
    expect(inspected.status).toBe(200);
    expect(inspected.body.duties?.charges.map((charge) => [charge.amount, charge.status, charge.account])).toEqual([
      ['1000.00', 'PENDING', undefined],
      ['391.79', 'PENDING', undefined],
    ]);
    expect(decided.body.status).toBe('AWAITING_PAYMENT');
    expect(waiting.paymentsDue.map((due) => due.amount)).toEqual(['1000.00', '391.79']);
    expect(new Set(waiting.paymentsDue.map((due) => due.reference)).size).toBe(2);
  });
});

describe('trader accounts', () => {
  // Written behind the API's back, as a writer that stopped part way left them (the cloud runs by then).
  const put = (item: Record<string, unknown>) =>
    DynamoDBDocumentClient.from(sharedDynamoDb(), { marshallOptions: { removeUndefinedValues: true } }).send(
      new PutCommand({ TableName: loadConfig('openAccount').tableName('main'), Item: item }),
    );
  const putEntry = (entry: LedgerEntry) =>
    put({ ...keys.ledgerEntry(entry.accountNumber, entry.sequence), entity: entityTypes.ledgerEntry, ...entry });

  it("lists a trader's own accounts, and a party's to an officer naming it", async () => {
    // Prepare
    const party = newParty();
    const numbers = [
      await openAccount({ kind: 'CASH', ownerId: party }),
      await openAccount({ ...deferment('5000.00'), ownerId: party }),
    ].sort();
    const officer = cloud.mintToken({ role: 'officer' });
    const numbersOf = (response: { body: { items: { number: string }[] } }) => response.body.items.map((item) => item.number).sort();

    // Act
    const own = await api<{ items: Account[] }>('GET', '/v1/accounts', { token: cloud.mintToken({ role: 'trader', party }) });
    const named = await api<{ items: Account[] }>('GET', `/v1/accounts?owner=${party}`, { token: officer });
    const other = await api<{ items: Account[] }>('GET', '/v1/accounts', { token: cloud.mintToken({ role: 'trader', party: newParty() }) });

    // Assess
    expect([own.status, named.status, other.status]).toEqual([200, 200, 200]);
    expect(numbersOf(own)).toEqual(numbers);
    expect(numbersOf(named)).toEqual(numbers);
    expect(other.body.items).toEqual([]);
  });

  it('finishes an opening and a top-up that stopped writers left half done when the accounts are read', async () => {
    // Prepare: account A opened up to its listing (no cache yet), then a top-up that claimed its
    // sequence and stopped; account B's opening stopped right after claiming entry 1.
    const party = newParty();
    const at = new Date().toISOString();
    const [numberA, numberB] = [accountNumber(), accountNumber()];
    const openedA = openingOf({ kind: 'CASH', number: numberA, ownerId: party, currency: 'GBP' }, at, 'test-admin');
    await putEntry(openedA.entry);
    await put({ ...keys.ledgerSource(numberA, openedA.entry.source), entity: entityTypes.ledgerSource, sequence: 1 });
    await put({ ...keys.accountOfOwner(party, numberA), entity: entityTypes.accountOfOwner, number: numberA });
    const topUp = applyEntry(openedA.account, { kind: 'TOP_UP', at, amount: '250.00', source: 'TOPUP#BANK-HALF-DONE', by: 'test-admin' });
    if (!topUp.ok) throw new Error(topUp.refusal.message);
    await putEntry(topUp.entry);
    await putEntry(openingOf({ kind: 'CASH', number: numberB, ownerId: party, currency: 'GBP' }, at, 'test-admin').entry);
    const trader = cloud.mintToken({ role: 'trader', party });

    // Act
    const before = await api<{ items: Account[] }>('GET', '/v1/accounts', { token: trader });
    const readB = await api<Account>('GET', `/v1/accounts/${numberB}`, { token: admin });
    const after = await api<{ items: Account[] }>('GET', '/v1/accounts', { token: trader });

    // Assess: A rolled forward over both entries; B listed once its read finished the opening.
    expect(before.body.items.map((item) => [item.number, item.version, item.balance])).toEqual([[numberA, 2, '250.00']]);
    expect(readB.status).toBe(200);
    expect(readB.body).toMatchObject({ number: numberB, version: 1, balance: '0.00' });
    expect(readB.body.entries.map((entry) => entry.kind)).toEqual(['OPENED']);
    expect(after.body.items.map((item) => item.number).sort()).toEqual([numberA, numberB].sort());
    expect((await account(numberA)).entries.map((entry) => [entry.kind, entry.amount])).toEqual([
      ['OPENED', '0.00'],
      ['TOP_UP', '250.00'],
    ]);
  });
});
