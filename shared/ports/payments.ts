/**
 * The payment provider side of revenue: payment requests the platform issues (a reference and an
 * amount the trader pays), the provider's signed confirmations (each accepted once), and the
 * per-provider secrets they are signed with. In AWS the secrets come from Secrets Manager; the
 * local cloud's provider simulator (`npm run pay`) signs with the same one.
 */
import type { PaymentRequest } from '#shared/domain/duties.ts';

export type ConfirmOutcome =
  | { outcome: 'confirmed'; request: PaymentRequest }
  /** This provider event was accepted before: nothing changes. */
  | { outcome: 'replayed' }
  /** Paid already (by another event): nothing changes. */
  | { outcome: 'already-paid'; request: PaymentRequest }
  | { outcome: 'not-found' };

export interface PaymentRequests {
  /** Issues a request; false if one with this reference exists already. */
  create(request: PaymentRequest): Promise<boolean>;
  get(reference: string): Promise<PaymentRequest | undefined>;
  /**
   * Marks a PENDING request PAID by a provider's event, and records the event (once): both or
   * neither, so a replayed event and a payment confirmed twice change nothing.
   */
  confirm(reference: string, confirmation: { provider: string; eventId: string; at: string }): Promise<ConfirmOutcome>;
}

export interface PaymentProviderSecrets {
  /** The secret a provider signs its callbacks with; undefined for a provider the platform does not know. */
  secretFor(provider: string): Promise<Buffer | undefined>;
}
