/** Revenue rules without I/O: the method of payment's validation, what is secured, callback signatures, the ledger's arithmetic. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { regionEnvironment } from '#infra/config/environment.ts';
import { regions } from '#infra/config/regions.ts';
import { acceptedProviders, SecretsManagerPaymentProviderSecrets } from '#shared/adapters/payment-provider-secrets.ts';
import { loadConfig } from '#shared/config.ts';
import { applyEntry, deriveAccount, openAccount } from '#shared/domain/accounts.ts';
import { type Declaration, declarationSchema } from '#shared/domain/declaration.ts';
import { amountToSecure } from '#shared/domain/duties.ts';
import { signCallback, verifyCallbackSignature } from '#shared/domain/payment-signature.ts';
import { validateDeclarationRules } from '#shared/domain/validation-rules.ts';
import { referenceData } from '#shared/reference/index.ts';

const validImport = (): Declaration =>
  declarationSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/declarations/valid-import.json', import.meta.url), 'utf8')));
const codes = (declaration: Declaration): string[] =>
  validateDeclarationRules(declaration, referenceData(), {
    today: '2026-11-18',
    customsOffices: regions['eu-west-2'].customsOffices,
    nationalCountry: regions['eu-west-2'].country,
    preLodgementAllowed: true,
  }).map((problem) => `${problem.code} ${problem.pointer}`);

describe('method of payment (DE 4/8)', () => {
  it('is required on an import, names an account for P, E and M and none for H, and postponed VAT needs the importer identified', () => {
    // Prepare
    const missing = { ...validImport(), payment: undefined };
    const noAccount = { ...validImport(), payment: { method: 'P' as const, postponedVat: false } };
    const immediateWithAccount = { ...validImport(), payment: { method: 'H' as const, account: '1234567', postponedVat: false } };
    const postponedAnonymous = validImport();
    postponedAnonymous.importer = { name: 'Acme Imports Ltd', country: 'GB' };
    postponedAnonymous.payment = { method: 'E', account: '1234567', postponedVat: true };
    const exported = { ...validImport(), type: 'EX' as const, procedureCode: '1040', payment: undefined };

    // Act
    const found = [missing, noAccount, immediateWithAccount, postponedAnonymous, exported, validImport()].map(codes);

    // Assess
    expect(found).toEqual([
      ['PAYMENT_METHOD_MISSING /payment'],
      ['PAYMENT_ACCOUNT_MISSING /payment/account'],
      ['PAYMENT_ACCOUNT_UNEXPECTED /payment/account'],
      ['POSTPONED_VAT_WITHOUT_IMPORTER_ID /payment/postponedVat'],
      [],
      [],
    ]);
  });
});

describe('amountToSecure', () => {
  it('secures the stated total, less the rounded VAT under postponed VAT accounting, without rounding again', () => {
    // Prepare: the total is the rounded sum of unrounded lines, a penny under the sum of the rounded tax types.
    const totals = { total: '1391.79', byTaxType: { A00: '124.27', B00: '1267.53' } };

    // Act
    const paid = amountToSecure(totals, false);
    const postponed = amountToSecure(totals, true);

    // Assess
    expect(paid).toEqual({ amount: '1391.79', byTaxType: { A00: '124.27', B00: '1267.53' }, postponedVat: '0.00' });
    expect(postponed).toEqual({ amount: '124.26', byTaxType: { A00: '124.27' }, postponedVat: '1267.53' });
  });
});

describe('payment callback signatures', () => {
  it('accepts the signed body in the window, refuses another key, an altered body and an old timestamp', () => {
    // Prepare
    const key = Buffer.from('k'.repeat(32));
    const body = Buffer.from('{"eventId":"e1"}');
    const now = 1_800_000_000;
    const header = signCallback(key, now, body);

    // Act
    const verdicts = [
      verifyCallbackSignature(header, key, body, now + 10),
      verifyCallbackSignature(header, Buffer.from('x'.repeat(32)), body, now),
      verifyCallbackSignature(header, key, Buffer.from('{"eventId":"e2"}'), now),
      verifyCallbackSignature(header, key, body, now + 301),
      verifyCallbackSignature(undefined, key, body, now),
    ].map((verdict) => (verdict.ok ? 'ok' : verdict.code));

    // Assess
    expect(verdicts).toEqual([
      'ok',
      'CALLBACK_SIGNATURE_INVALID',
      'CALLBACK_SIGNATURE_INVALID',
      'CALLBACK_STALE',
      'CALLBACK_SIGNATURE_INVALID',
    ]);
  });
});

describe('the ledger', () => {
  it('refuses a deferment charge over the month’s limit, starts a new month from zero, and derives the cached account', () => {
    // Prepare
    const opened = openAccount(
      {
        kind: 'DEFERMENT',
        number: '1234567',
        ownerId: 'GB123456789000',
        currency: 'GBP',
        deferment: { monthlyLimit: '100', guarantee: { amount: '100', guarantor: 'Bank' } },
      },
      '2026-11-01T00:00:00.000Z',
      'admin',
    );
    const charge = (amount: string, at: string, source: string) => ({
      kind: 'CHARGE' as const,
      at,
      amount,
      period: at.slice(0, 7),
      source,
      by: 'release',
    });

    // Act
    const first = applyEntry(opened.account, charge('60.00', '2026-11-02T00:00:00.000Z', 'A'));
    if (!first.ok) throw new Error('first charge refused');
    const over = applyEntry(first.account, charge('40.01', '2026-11-03T00:00:00.000Z', 'B'));
    const nextMonth = applyEntry(first.account, charge('90.00', '2026-12-01T00:00:00.000Z', 'C'));
    if (!nextMonth.ok) throw new Error('next month refused');

    // Assess
    expect(over).toMatchObject({ ok: false, refusal: { code: 'LIMIT_EXCEEDED' } });
    expect(nextMonth.account.deferment).toMatchObject({ period: '2026-12', used: '90.00' });
    expect(deriveAccount([opened.entry, first.entry, nextMonth.entry])).toEqual(nextMonth.account);
  });
});

describe('the deferment period', () => {
  it('never moves back: a charge dated in an earlier month counts in the current period', () => {
    // Prepare: December already charged 50.00 of a 100.00 limit.
    const opened = openAccount(
      {
        kind: 'DEFERMENT',
        number: '7654321',
        ownerId: 'GB123456789000',
        currency: 'GBP',
        deferment: { monthlyLimit: '100', guarantee: { amount: '100', guarantor: 'Bank' } },
      },
      '2026-11-01T00:00:00.000Z',
      'admin',
    );
    const december = applyEntry(opened.account, {
      kind: 'CHARGE',
      at: '2026-12-01T00:00:00.000Z',
      amount: '50.00',
      period: '2026-12',
      source: 'D',
      by: 'release',
    });
    if (!december.ok) throw new Error('December charge refused');

    // Act: a charge dated in November is booked late.
    const late = applyEntry(december.account, {
      kind: 'CHARGE',
      at: '2026-11-30T23:59:59.000Z',
      amount: '60.00',
      period: '2026-11',
      source: 'N',
      by: 'release',
    });
    const fits = applyEntry(december.account, {
      kind: 'CHARGE',
      at: '2026-11-30T23:59:59.000Z',
      amount: '40.00',
      period: '2026-11',
      source: 'N',
      by: 'release',
    });

    // Assess
    expect(late).toMatchObject({ ok: false, refusal: { code: 'LIMIT_EXCEEDED' } });
    expect(fits).toMatchObject({ ok: true, account: { deferment: { period: '2026-12', used: '90.00' } }, entry: { period: '2026-12' } });
  });
});

describe('payment providers', () => {
  it('takes the simulator only where the stage allows it (the local cloud), never in a deployed stage', () => {
    // Prepare
    const deployed = regionEnvironment({ regionName: 'eu-west-2', region: regions['eu-west-2'], stage: 'prod' });
    const local = regionEnvironment({
      regionName: 'eu-west-2',
      region: regions['eu-west-2'],
      stage: 'local',
      payoutSimulatorUrl: 'http://127.0.0.1:3000/local/payment-provider/payouts',
    });

    // Act
    const providers = [deployed, local].map((environment) => acceptedProviders(environment.PAYMENT_SIMULATOR_ALLOWED === 'true'));

    // Assess
    expect(providers).toEqual([['bank'], ['simulator', 'bank']]);
  });

  it('pays payouts through the simulator only in the local stage, through the region provider (here none) when deployed', () => {
    // Prepare
    const deployed = regionEnvironment({ regionName: 'eu-west-2', region: regions['eu-west-2'], stage: 'prod' });
    const local = regionEnvironment({
      regionName: 'eu-west-2',
      region: regions['eu-west-2'],
      stage: 'local',
      payoutSimulatorUrl: 'http://127.0.0.1:3000/local/payment-provider/payouts',
    });
    const resources = {
      MAIN_TABLE_NAME: 'main',
      PAYMENT_PROVIDERS_SECRET_ID: 'secret',
      NOTIFICATIONS_QUEUE_URL: 'https://q',
      ARCHIVE_BUCKET_NAME: 'a',
    };
    const simulatorWhenDeployed = { ...deployed, ...resources, PAYOUT_PROVIDER: local.PAYOUT_PROVIDER };
    const plainHttpProvider = {
      ...deployed,
      ...resources,
      PAYOUT_PROVIDER: '{"kind":"https","provider":"bank","url":"http://bank.example/payouts"}',
    };

    // Act
    const settings = [deployed, local].map(
      (environment) => loadConfig('cancelDeclaration', { ...environment, ...resources }).region.payoutProvider,
    );
    const refusals = [simulatorWhenDeployed, plainHttpProvider].map((environment) => () => loadConfig('cancelDeclaration', environment));

    // Assess
    expect(settings).toEqual([{ kind: 'none' }, { kind: 'simulator', url: 'http://127.0.0.1:3000/local/payment-provider/payouts' }]);
    expect(refusals[0]).toThrow(/PAYOUT_PROVIDER: the provider simulator pays payouts only where PAYMENT_SIMULATOR_ALLOWED/);
    expect(refusals[1]).toThrow(/PAYOUT_PROVIDER must be the JSON/);
    expect(() => regionEnvironment({ regionName: 'eu-west-2', region: regions['eu-west-2'], stage: 'local' })).toThrow(/payouts URL/);
  });

  it('refuses the simulator without reading the secret when the stage does not allow it', async () => {
    // Prepare: a secret id that fails if read.
    const secrets = new SecretsManagerPaymentProviderSecrets(
      () => {
        throw new Error('the secret was read');
      },
      { allowSimulator: false },
    );

    // Act
    const key = await secrets.secretFor('simulator');

    // Assess
    expect(key).toBeUndefined();
  });
});
