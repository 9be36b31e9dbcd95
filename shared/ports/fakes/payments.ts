/** In-memory payment requests and provider secrets; the contract suite holds them to the DynamoDB adapter. */
import type { PaymentRequest } from '#shared/domain/duties.ts';
import type { ConfirmOutcome, PaymentProviderSecrets, PaymentRequests } from '#shared/ports/payments.ts';

export class InMemoryPaymentRequests implements PaymentRequests {
  readonly #requests = new Map<string, PaymentRequest>();
  readonly #events = new Set<string>();

  async create(request: PaymentRequest): Promise<boolean> {
    if (this.#requests.has(request.reference)) return false;
    this.#requests.set(request.reference, structuredClone(request));
    return true;
  }

  async get(reference: string): Promise<PaymentRequest | undefined> {
    const request = this.#requests.get(reference);
    return request ? structuredClone(request) : undefined;
  }

  async confirm(reference: string, confirmation: { provider: string; eventId: string; at: string }): Promise<ConfirmOutcome> {
    if (this.#events.has(`${confirmation.provider}#${confirmation.eventId}`)) return { outcome: 'replayed' };
    const request = this.#requests.get(reference);
    if (!request) return { outcome: 'not-found' };
    if (request.status === 'PAID') return { outcome: 'already-paid', request: structuredClone(request) };
    this.#events.add(`${confirmation.provider}#${confirmation.eventId}`);
    Object.assign(request, {
      status: 'PAID',
      paidAt: confirmation.at,
      confirmedBy: { provider: confirmation.provider, eventId: confirmation.eventId },
    });
    return { outcome: 'confirmed', request: structuredClone(request) };
  }
}

/** Secrets given up front, by provider. */
export class FixedPaymentProviderSecrets implements PaymentProviderSecrets {
  constructor(private readonly secrets: Readonly<Record<string, string>> = { simulator: 'simulator-secret-for-tests-only-0123456789' }) {}

  async secretFor(provider: string): Promise<Buffer | undefined> {
    const secret = this.secrets[provider];
    return secret === undefined ? undefined : Buffer.from(secret, 'utf8');
  }
}
