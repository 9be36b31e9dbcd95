/**
 * The compiled form of a criterion: a test of one item of a declaration's facts and a plain-
 * language explanation of why it holds or fails. Leaves compile to closures over Sets and
 * Decimals, and / or / not to closures over their children's nodes.
 */
import type { DeclarationFacts } from './declaration-facts.ts';

export interface CompiledNode {
  /** Depends on the item (else the same for every item). */
  readonly item: boolean;
  test(facts: DeclarationFacts, item: number): boolean;
  /** Plain-language facts that make the node hold (`holds`) or fail (`!holds`) for this item. */
  explain(facts: DeclarationFacts, item: number, holds: boolean, out: string[]): void;
}
