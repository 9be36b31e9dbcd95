/**
 * Monthly statements and reconciliation, end to end on the local cloud (docs/revenue.md): closing a
 * deferment period books its direct debit once (two closings at once, the scheduled job, a later
 * closing), the statement lists exactly the period's declarations with totals per tax type, its
 * holder downloads it and nobody else sees it; the reconciliation finds no difference for a GREEN
 * release, an inspected RED release with extra duty and a postponed-VAT import, and finds one
 * injected into the ledger.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '#local/cloud.ts';
import { sendConfirmation, signedConfirmation, simulatorKey } from '#local/payment-simulator.ts';
import { accountLedger } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { applyEntry, openAccount as openingOf, periodBefore, periodOf } from '#shared/domain/accounts.ts';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { Dec, fixed2, ZERO } from '#shared/tariff/money.ts';
import { ferroSiliconCif } from '#tests/support/scenarios.ts';
import { startSeededCloud } from '#tests/support/seeded-cloud.ts';
import { type apiClient, declarationFor, eventually, newParty, openDefermentAccount } from './support.ts';

/** The demo's trusted trader: its clean declarations go GREEN with random selection off. */
const trustedTrader = 'GB987654321000';

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
let admin: string;

interface View {
  id: string;
  status: string;
  paymentsDue: { reference: string; amount: string; currency: string }[];
  assessment: { totals: { total: string; byTaxType: Record<string, string> } } | null;
  duties: { postponedVat: string; charges: { amount: string }[] } | null;
}
interface Entry {
  sequence: number;
  kind: string;
  amount: string;
  period?: string;
  declarationId?: string;
}
interface Summary {
  accountNumber: string;
  period: string;
  totals: { charged: string; credited: string; byTaxType: Record<string, string>; directDebit: string };
  directDebit: { amount: string; sequence: number };
  declarations: number;
}
interface Reconciliation {
  declarations: number;
  differences: { declarationId: string; taxType: string; expected: string; booked: string }[];
}

beforeAll(async () => {
  ({ cloud, api } = await startSeededCloud());
  admin = cloud.mintToken({ role: 'admin' });
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

/** `shards`: allowance shards taking its charges (docs/revenue.md); 1, charges on the account's own ledger. */
async function openAccount(owner: string, shards = 1): Promise<string> {
  const number = String(randomInt(1_000_000, 9_999_999));
  const opened = await api('POST', '/v1/admin/accounts', {
    token: admin,
    body: {
      number,
      currency: 'GBP',
      kind: 'DEFERMENT',
      ownerId: owner,
      deferment: { monthlyLimit: '100000.00', guarantee: { amount: '100000.00', guarantor: 'Test Bank plc' } },
      ...(shards > 1 ? { shards } : {}),
    },
  });
  expect(opened.status).toBe(201);
  return number;
}

async function released(party: string, change: (d: DeclarationInput) => void, statuses = ['RELEASED']): Promise<View> {
  const trader = cloud.mintToken({ role: 'trader', party });
  const submitted = await api<{ id: string }>('POST', '/v1/declarations', { token: trader, body: declarationFor(party, change) });
  expect(submitted.status).toBe(202);
  return eventually(
    async () => {
      const view = await api<View>('GET', `/v1/declarations/${submitted.body.id}`, { token: trader });
      return statuses.includes(view.body.status) ? view.body : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

const entriesOf = async (number: string): Promise<Entry[]> =>
  (await api<{ entries: Entry[] }>('GET', `/v1/accounts/${number}`, { token: admin })).body.entries;

const close = (period: string) =>
  api<{ period: string; closed: Summary[]; failed: string[] }>('POST', `/v1/admin/statements/close?period=${period}`, { token: admin });

const sumByTaxType = (views: readonly View[]): Record<string, string> => {
  const totals = new Map<string, Dec>();
  for (const view of views)
    for (const [taxType, amount] of Object.entries(view.assessment?.totals.byTaxType ?? {}))
      totals.set(taxType, (totals.get(taxType) ?? ZERO).plus(amount));
  return Object.fromEntries(
    [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([taxType, amount]) => [taxType, fixed2(amount)]),
  );
};

describe('monthly statements', () => {
  it.each([1, 16])(
    'closes the period once, lists exactly its declarations to the penny, and shows the statement to its holder only (%i shards)',
    async (shards) => {
      // Prepare: two declarations charged this month; the local cloud lets an admin close the current month early.
      const period = periodOf(new Date().toISOString());
      const number = await openAccount(trustedTrader, shards);
      const inPeriod = [
        await released(trustedTrader, (d) => {
          d.payment = { method: 'E', account: number };
        }),
        await released(trustedTrader, (d) => {
          d.payment = { method: 'E', account: number };
        }),
      ];

      // Act: two closings at once and the scheduled job (which closes the month before), a declaration after, a closing again.
      const [first, second] = await Promise.all([close(period), close(period), cloud.runScheduled('closeEndedStatements')]);
      const later = await released(trustedTrader, (d) => {
        d.payment = { method: 'E', account: number };
      });
      const again = await close(period);
      const holder = cloud.mintToken({ role: 'trader', party: trustedTrader });
      const stranger = cloud.mintToken({ role: 'trader', party: newParty() });
      const listed = await api<{ items: Summary[] }>('GET', `/v1/accounts/${number}/statements`, { token: holder });
      const read = await api<Summary & { files: { format: string; url: string; sha256: string }[] }>(
        'GET',
        `/v1/accounts/${number}/statements/${period}`,
        { token: holder },
      );
      const downloads = Object.fromEntries(
        await Promise.all((read.body.files ?? []).map(async (file) => [file.format, await (await fetch(file.url)).text()] as const)),
      );
      const refused = await Promise.all([
        api('GET', `/v1/accounts/${number}/statements`, { token: stranger }),
        api('GET', `/v1/accounts/${number}/statements/${period}`, { token: stranger }),
      ]);

      // Assess
      const expectedTotal = fixed2(inPeriod.reduce((sum, view) => sum.plus(view.assessment?.totals.total ?? '0'), ZERO));
      const statementOf = (answer: typeof first) => answer.body.closed.find((summary) => summary.accountNumber === number);
      const entries = await entriesOf(number);
      const debits = entries.filter((entry) => entry.kind === 'DIRECT_DEBIT');
      expect([first.status, second.status, again.status]).toEqual([200, 200, 200]);
      expect(statementOf(first)).toEqual(statementOf(second));
      expect(statementOf(again)).toEqual(statementOf(first));
      expect(statementOf(first)).toMatchObject({
        period,
        declarations: 2,
        totals: { charged: expectedTotal, credited: '0.00', byTaxType: sumByTaxType(inPeriod), directDebit: expectedTotal },
        directDebit: { amount: expectedTotal },
      });
      expect(debits.map((entry) => [entry.amount, entry.period])).toEqual([[expectedTotal, period]]);
      expect(entries.filter((entry) => entry.declarationId === later.id).map((entry) => entry.period)).not.toContain(period);
      expect(listed.body).toEqual({ items: [statementOf(first)] });
      expect(read.status).toBe(200);
      const json = JSON.parse(downloads.json ?? '{}') as { lines: { declarationId: string; amount: string }[] };
      expect(json.lines.map((line) => [line.declarationId, line.amount])).toEqual(
        inPeriod.map((view) => [view.id, view.assessment?.totals.total]),
      );
      expect(
        downloads.csv?.split('\r\n').filter((row) => row.includes(inPeriod[0]?.id ?? '-') || row.includes(inPeriod[1]?.id ?? '-')),
      ).toHaveLength(2);
      expect(downloads.csv).not.toContain(later.id);
      expect(refused.map((response) => response.status)).toEqual([404, 404]);
      const today = new Date().toISOString().slice(0, 10);
      const reconciled = await api<Reconciliation>('GET', `/v1/admin/revenue/reconciliation?from=${today}&to=${today}`, { token: admin });
      const ours = new Set([...inPeriod, later].map((view) => view.id));
      expect(reconciled.body.differences.filter((difference) => ours.has(difference.declarationId))).toEqual([]);
      const account = await api<{ deferment: { used: string } }>('GET', `/v1/accounts/${number}`, { token: holder });
      expect(account.body.deferment.used).toBe(later.assessment?.totals.total);
    },
  );

  it('the scheduled job closes the month that ended on an account opened before it, once', async () => {
    // Prepare: an account opened last month with one charge of last month, written through the ledger.
    const ledger = accountLedger(loadConfig('openAccount'));
    const lastMonth = periodBefore(periodOf(new Date().toISOString()));
    const at = `${lastMonth}-15T12:00:00.000Z`;
    const number = String(randomInt(1_000_000, 9_999_999));
    const opened = openingOf(
      {
        kind: 'DEFERMENT',
        number,
        ownerId: newParty(),
        currency: 'GBP',
        deferment: { monthlyLimit: '5000.00', guarantee: { amount: '5000.00', guarantor: 'Test Bank plc' } },
      },
      at,
      'test-admin',
    );
    expect(await ledger.open(opened.account, opened.entry)).toBe(true);
    const charge = applyEntry(opened.account, {
      kind: 'CHARGE',
      at,
      amount: '12.34',
      period: lastMonth,
      source: 'DECL#01LASTMONTH#4',
      declarationId: '01LASTMONTH',
      byTaxType: { A00: '2.34', B00: '10.00' },
      by: 'release',
    });
    if (!charge.ok) throw new Error(charge.refusal.message);
    expect((await ledger.post({ account: charge.account, expectedVersion: 1, entry: charge.entry })).outcome).toBe('applied');

    // Act
    await Promise.all([cloud.runScheduled('closeEndedStatements'), cloud.runScheduled('closeEndedStatements')]);
    const listed = await api<{ items: Summary[] }>('GET', `/v1/accounts/${number}/statements`, { token: admin });

    // Assess
    const entries = await entriesOf(number);
    expect(entries.map((entry) => [entry.kind, entry.amount, entry.period])).toEqual([
      ['OPENED', '0.00', undefined],
      ['CHARGE', '12.34', lastMonth],
      ['DIRECT_DEBIT', '12.34', lastMonth],
    ]);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        period: lastMonth,
        declarations: 1,
        totals: expect.objectContaining({ byTaxType: { A00: '2.34', B00: '10.00' } }),
      }),
    ]);
  });

  it('refuses to close a period that has not ended (409 PERIOD_NOT_ENDED)', async () => {
    // Prepare
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 1, 1);

    // Act
    const refused = await api<{ problems: { code: string }[] }>(
      'POST',
      `/v1/admin/statements/close?period=${periodOf(next.toISOString())}`,
      {
        token: admin,
      },
    );

    // Assess
    expect([refused.status, refused.body.problems?.[0]?.code]).toEqual([409, 'PERIOD_NOT_ENDED']);
  });
});

describe('revenue reconciliation', () => {
  it('finds no difference for a GREEN release, an inspected RED release with extra duty and postponed VAT, then the one injected', async () => {
    // Prepare: the three kinds of release charged to deferment accounts, and one paid immediately.
    const green = await released(trustedTrader, () => {});
    const waiting = await released(
      trustedTrader,
      (d) => {
        d.payment = { method: 'H' };
      },
      ['AWAITING_PAYMENT'],
    );
    const simulator = await simulatorKey({
      secretsEndpoint: cloud.endpoints.secretsManager,
      secretId: loadConfig('paymentCallback').secretId('paymentProviders'),
      region: process.env.AWS_REGION ?? 'eu-west-2',
    });
    const [due] = waiting.paymentsDue;
    if (!due) throw new Error('nothing to pay');
    expect((await sendConfirmation(cloud.apiUrl, signedConfirmation(simulator, due))).status).toBe(200);
    const postponed = await released(trustedTrader, (d) => {
      d.payment = { method: 'E', account: d.payment?.account ?? '', postponedVat: true };
    });
    const party = newParty();
    await openDefermentAccount(api, admin, party);
    const officer = cloud.mintToken({ role: 'officer', sub: 'officer-reconciliation' });
    const red = await released(party, ferroSiliconCif, ['UNDER_REVIEW']);
    const base = `/v1/review/declarations/${red.id}`;
    expect((await api('POST', `${base}/claim`, { token: officer })).status).toBe(200);
    const inspected = await api<View>('POST', `${base}/inspections`, {
      token: officer,
      body: {
        result: 'DISCREPANCY',
        findings: 'shaver parts, not ferro-silicon',
        corrections: [{ itemIndex: 0, commodityCode: '8510900000', invoiceAmount: '6213.37' }],
      },
    });
    expect((await api<View>('POST', `${base}/decisions`, { token: officer, body: { action: 'RELEASE' } })).body.status).toBe('RELEASED');
    const today = new Date().toISOString().slice(0, 10);
    const reconcile = () => api<Reconciliation>('GET', `/v1/admin/revenue/reconciliation?from=${today}&to=${today}`, { token: admin });

    // Act
    const clean = await reconcile();
    const ledger = accountLedger(loadConfig('getAccount'));
    const accountOfGreen = declarationFor(trustedTrader).payment?.account ?? '';
    const current = await ledger.get(accountOfGreen);
    if (!current) throw new Error(`no account ${accountOfGreen}`);
    const injected = applyEntry(current, {
      kind: 'CHARGE',
      at: new Date().toISOString(),
      amount: '1.00',
      period: periodOf(new Date().toISOString()),
      source: `DECL#${green.id}#999`,
      declarationId: green.id,
      byTaxType: { A00: '1.00' },
      by: 'test-injection',
    });
    if (!injected.ok) throw new Error(injected.refusal.message);
    expect((await ledger.post({ account: injected.account, expectedVersion: current.version, entry: injected.entry })).outcome).toBe(
      'applied',
    );
    const afterInjection = await reconcile();

    // Assess
    const greenA00 = green.assessment?.totals.byTaxType.A00 ?? '0';
    expect(inspected.status).toBe(200);
    expect(inspected.body.duties?.charges).toHaveLength(2);
    expect(new Dec(postponed.duties?.postponedVat ?? '0').greaterThan(0)).toBe(true);
    expect(clean.status).toBe(200);
    // The first test released three of them; the seeded cloud may hold more of its own.
    expect(clean.body.declarations).toBeGreaterThanOrEqual(7);
    expect(clean.body.differences).toEqual([]);
    expect(afterInjection.body.differences).toEqual([
      { declarationId: green.id, taxType: 'A00', expected: fixed2(new Dec(greenA00)), booked: fixed2(new Dec(greenA00).plus('1.00')) },
    ]);
  });
});
