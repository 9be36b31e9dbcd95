/**
 * Permits partner agencies issue (docs/single-window.md). A decision is one conditional write on
 * an application still APPLIED; a drawing is one conditional update of the permit that takes the
 * quantity only if that much remains and this declaration has not drawn yet, so concurrent
 * declarations never overdraw a permit and a redelivered release draws once.
 */
import type { Permit, PermitDraw } from '#shared/domain/permits.ts';

export type DrawOutcome =
  /** Taken from the permit now. */
  | 'drawn'
  /** This declaration had drawn already: nothing taken again. */
  | 'already'
  /** Less remains than the quantity (or the permit is not approved): nothing taken. */
  | 'insufficient';

export interface PermitReader {
  get(id: string): Promise<Permit | undefined>;
}

export interface PermitStore extends PermitReader {
  /** Stores a new application (and lists it under its agency and its holder); false if the id is taken. */
  create(permit: Permit): Promise<boolean>;
  /** The permits of an agency, or of a holder, by id (oldest first). */
  listByAgency(agencyId: string): Promise<Permit[]>;
  listByHolder(holderId: string): Promise<Permit[]>;
  /** Stores the agency's decision if the permit is still APPLIED; false otherwise. */
  decide(decided: Permit): Promise<boolean>;
  /** Draws `quantity` (in the permit's unit) for a declaration: see DrawOutcome. */
  draw(permitId: string, declarationId: string, quantity: string, at: string): Promise<DrawOutcome>;
  /** Gives back what a declaration drew (a release refused after part of its permits were drawn); false if it had drawn nothing. */
  giveBack(permitId: string, declarationId: string, quantity: string): Promise<boolean>;
  /** The declarations that drew on the permit (and did not give it back), by declaration id. */
  draws(permitId: string): Promise<PermitDraw[]>;
}
