/** Pieces the permit tests share: the plant-health application and the tomato item that needs it. */
import { readFileSync } from 'node:fs';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import type { PermitApplication } from '#shared/domain/permits.ts';
import { fixed2, ZERO } from '#shared/tariff/money.ts';
import { ferroSilicon } from './scenarios.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/permits/${name}`, import.meta.url), 'utf8'));

/** 100 kg of fresh Moroccan tomatoes (chapter 07: a phytosanitary certificate). */
export const tomatoesApplication = (): PermitApplication => fixture('tomatoes-application.json') as PermitApplication;

/** The declaration's only item made 7.5 kg of Moroccan tomatoes, citing the permit (document N851) when one is given. */
export const tomatoes =
  (permitId?: string, netMassKg = '7.5') =>
  (d: DeclarationInput): void => {
    const item = fixture('tomatoes-item.json') as DeclarationInput['items'][number];
    d.items = [{ ...item, netMassKg, documents: [...(item.documents ?? []), ...(permitId ? [{ type: 'N851', ref: permitId }] : [])] }];
  };

/**
 * The permit's tomatoes and, beside them, ferro-silicon from China (the demo anti-dumping profile:
 * RED, so the declaration waits for an officer after its release stage drew on the permit).
 */
export const tomatoesWithFerroSilicon =
  (permitId: string) =>
  (d: DeclarationInput): void => {
    ferroSilicon(d);
    const [ferro] = d.items;
    tomatoes(permitId)(d);
    if (ferro) d.items.push(ferro);
    // The invoice total is what the items add up to.
    d.valuation.invoiceTotal = fixed2(d.items.reduce((sum, item) => sum.plus(item.invoiceAmount), ZERO));
  };

/** An ISO date `days` from `at`. */
export const daysFrom = (at: string, days: number): string => new Date(Date.parse(at) + days * 86_400_000).toISOString().slice(0, 10);
