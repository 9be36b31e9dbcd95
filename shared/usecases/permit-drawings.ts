/**
 * Permits in the pipeline (docs/single-window.md): validation checks what a declaration cites
 * against the permit rules in force when it was accepted and the permits as they stand, and keeps
 * what it will draw; the release stage draws it, all or nothing; a declaration refused or
 * cancelled after that gives it back.
 */
import type { Declaration } from '#shared/domain/declaration.ts';
import type { DeclarationState } from '#shared/domain/declaration-record.ts';
import { checkPermits, citedPermitIds, type Permit, type PermitCitation, type PermitRules } from '#shared/domain/permits.ts';
import { type Problem, problem } from '#shared/domain/problems.ts';
import type { PermitReader, PermitStore } from '#shared/ports/permits.ts';

/** The permit problems of a declaration, and what it will draw (nothing when no rules are loaded). */
export async function permitChecks(
  declaration: Declaration,
  today: string,
  deps: { permits: PermitReader; rules: PermitRules | undefined },
): Promise<{ problems: Problem[]; citations: PermitCitation[] }> {
  if (!deps.rules) return { problems: [], citations: [] };
  const ids = citedPermitIds(declaration, deps.rules);
  const found = await Promise.all(ids.map(async (id) => [id, await deps.permits.get(id)] as const));
  const permits = new Map(found.filter((entry): entry is readonly [string, Permit] => entry[1] !== undefined));
  return checkPermits(declaration, { rules: deps.rules, permits, today });
}

/**
 * Draws each cited permit for the declaration (once per declaration: a redelivery takes nothing
 * again). If one no longer has enough left (another declaration drew it since validation), what
 * was drawn is given back and the problem returned: the declaration is not released.
 */
export async function drawPermits(
  declarationId: string,
  citations: readonly PermitCitation[],
  at: string,
  permits: PermitStore,
): Promise<Problem[]> {
  const drawn: PermitCitation[] = [];
  for (const citation of citations) {
    const outcome = await permits.draw(citation.permitId, declarationId, citation.quantity, at);
    if (outcome === 'insufficient') {
      for (const taken of drawn) await permits.giveBack(taken.permitId, declarationId, taken.quantity);
      return [
        problem(
          citation.pointer,
          'PERMIT_QUANTITY_INSUFFICIENT',
          `permit ${citation.permitId} has less than ${citation.quantity} ${citation.unit} left: other declarations drew on it since this one was validated`,
        ),
      ];
    }
    drawn.push(citation);
  }
  return [];
}

/**
 * Gives back what a refused (an officer's REJECT) or cancelled declaration drew on its permits:
 * it will never be released, so the quantity is the holder's again. Each permit gives back only
 * if this declaration is among those that drew on it (one conditional update), so a repeated
 * decision or cancellation gives nothing more, and a permit it never drew on is left as it is.
 * Every citation is tried, not only once `permitsDrawnAt` is recorded: the release stage draws
 * before its own write, which a cancellation at that moment makes fail.
 */
export async function givePermitsBack(
  state: Pick<DeclarationState, 'id' | 'permits'>,
  permits: Pick<PermitStore, 'giveBack'>,
): Promise<number> {
  let given = 0;
  for (const citation of state.permits ?? []) if (await permits.giveBack(citation.permitId, state.id, citation.quantity)) given += 1;
  return given;
}
