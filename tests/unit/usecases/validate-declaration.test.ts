/**
 * Every branch of the validation stage (shared/usecases/validate-declaration.ts) on the fakes,
 * with the real validation rules and reference data the worker binds (functions/workers/).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import { MAX_PROBLEMS } from '#shared/domain/problems.ts';
import { ARRIVAL_MAX_DAYS_PAST } from '#shared/domain/validation-rules.ts';
import { validateDeclaration } from '#shared/usecases/validate-declaration.ts';
import { fakePlatform } from '#tests/support/fake-platform.ts';

const DAY = 86_400_000;

const fixture = (name: string): DeclarationInput =>
  JSON.parse(readFileSync(new URL(`../../fixtures/declarations/${name}.json`, import.meta.url), 'utf8')) as DeclarationInput;

describe('validateDeclaration', () => {
  it('moves a declaration that passes every check to VALIDATED and hands it to risk scoring', async () => {
    // Prepare
    const platform = await fakePlatform();
    const id = await platform.submit(platform.declaration('GB123456789000'));
    const [message] = platform.queues.validation.sent.splice(0);
    platform.clock.advance(1_000);

    // Act
    const result = await validateDeclaration(message!, platform.deps.validation);

    // Assess
    const at = platform.clock.now().toISOString();
    expect(result).toMatchObject({ outcome: 'moved', to: 'VALIDATED' });
    expect(await platform.record(id)).toMatchObject({ status: 'VALIDATED', version: 2, validation: { at, problems: [] } });
    expect((await platform.repository.listEvents(id)).at(-1)).toMatchObject({
      type: 'VALIDATED',
      actor: { kind: 'system', id: 'validation' },
      detail: 'all checks passed',
    });
    // The bytes intake put in the message, handed on to risk scoring
    expect(message?.submittedText).toBeDefined();
    expect(platform.queues.risk.sent).toEqual([{ declarationId: id, version: 2, submittedText: message?.submittedText }]);
  });

  it('rejects a declaration with every problem found, each code once in the history, and hands it on to nobody', async () => {
    // Prepare: the consistency fixture (net mass above gross twice, a total that does not add up...)
    const platform = await fakePlatform();
    const id = await platform.submit(fixture('invalid-consistency'));

    // Act
    const [result] = await platform.deliver('validation');

    // Assess
    expect(result).toMatchObject({ outcome: 'moved', to: 'REJECTED' });
    const record = await platform.record(id);
    expect(record.status).toBe('REJECTED');
    expect(record.validation?.problems.map((problem) => `${problem.code} ${problem.pointer}`)).toEqual([
      'ARRIVAL_DATE_IMPLAUSIBLE /consignment/arrivalDate',
      'NET_MASS_ABOVE_GROSS /consignment/grossMassKg',
      'INVOICE_TOTAL_MISMATCH /valuation/invoiceTotal',
      'PREFERENCE_WITHOUT_PROOF /items/0/preference',
      'NET_MASS_ABOVE_GROSS /items/0/netMassKg',
    ]);
    expect(record.validation?.problemCount).toBe(5);
    expect(record.lastEvent?.detail).toBe(
      '5 problem(s): ARRIVAL_DATE_IMPLAUSIBLE, NET_MASS_ABOVE_GROSS, INVOICE_TOTAL_MISMATCH, PREFERENCE_WITHOUT_PROOF',
    );
    expect(platform.queues.risk.sent).toEqual([]);
  });

  it(`stores the first ${MAX_PROBLEMS} problems and the count when there are more`, async () => {
    // Prepare: 120 items of an unknown commodity code, each heavier than the whole consignment
    const platform = await fakePlatform();
    const id = await platform.submit(
      platform.declaration('GB123456789000', (d) => {
        d.items = Array.from({ length: 120 }, () => ({ ...d.items[0]!, commodityCode: '9999999999' }));
        d.valuation.invoiceTotal = '600000.00';
      }),
    );

    // Act
    await platform.deliver('validation');

    // Assess
    const record = await platform.record(id);
    expect(record.status).toBe('REJECTED');
    expect(record.validation?.problems).toHaveLength(MAX_PROBLEMS);
    expect(record.validation?.problemCount).toBe(121);
    expect(record.lastEvent?.detail).toMatch(/^121 problem\(s\): /);
  });

  it('judges a declaration as of the day it was submitted, so a late delivery decides the same', async () => {
    // Prepare: arriving as long ago as the rules allow on the day of submission, delivered 30 days later
    const platform = await fakePlatform();
    const submittedOn = platform.clock.now();
    const arrival = new Date(submittedOn.getTime() - ARRIVAL_MAX_DAYS_PAST * DAY).toISOString().slice(0, 10);
    const input = platform.declaration('GB123456789000', (d) => {
      d.consignment.arrivalDate = arrival;
    });
    const id = await platform.submit(input);
    platform.clock.advance(30 * DAY);
    const today = platform.clock.now().toISOString().slice(0, 10);

    // Act
    await platform.deliver('validation');

    // Assess: on the delivery day the same declaration would be refused
    expect((await platform.record(id)).status).toBe('VALIDATED');
    const record = await platform.record(id);
    const problems = await platform.deps.validation.rules(record.declaration, today, platform.clock.now().toISOString());
    expect(problems.map((problem) => problem.code)).toContain('ARRIVAL_DATE_IMPLAUSIBLE');
  });

  it('on redelivery re-sends a validated declaration to risk scoring without judging it again, and leaves a rejected one', async () => {
    // Prepare
    const platform = await fakePlatform();
    const validated = await platform.submit(platform.declaration('GB123456789000'));
    const rejected = await platform.submit(fixture('invalid-reference-codes'));
    const messages = [...platform.queues.validation.sent];
    await platform.deliver('validation');
    platform.queues.risk.sent.splice(0);
    let judged = 0;
    const deps = {
      ...platform.deps.validation,
      rules: (...args: Parameters<typeof platform.deps.validation.rules>) => {
        judged += 1;
        return platform.deps.validation.rules(...args);
      },
    };

    // Act
    const results = [];
    for (const message of messages) results.push(await validateDeclaration(message, deps));

    // Assess
    expect(results).toEqual([
      { outcome: 'resent', status: 'VALIDATED', submittedText: messages[0]?.submittedText },
      { outcome: 'skipped', status: 'REJECTED', submittedText: messages[1]?.submittedText },
    ]);
    expect(judged).toBe(0);
    expect(platform.queues.risk.sent).toEqual([{ declarationId: validated, version: 2, submittedText: messages[0]?.submittedText }]);
    expect((await platform.repository.listEvents(rejected)).map((event) => event.type)).toEqual(['SUBMITTED', 'REJECTED']);
  });
});
