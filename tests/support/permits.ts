/** Pieces the permit tests share: the plant-health application and the tomato item that needs it. */
import { readFileSync } from 'node:fs';
import type { DeclarationInput } from '#shared/domain/declaration.ts';
import type { PermitApplication } from '#shared/domain/permits.ts';

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

/** An ISO date `days` from `at`. */
export const daysFrom = (at: string, days: number): string => new Date(Date.parse(at) + days * 86_400_000).toISOString().slice(0, 10);
