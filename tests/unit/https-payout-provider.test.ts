/**
 * The HTTPS payout adapter against loopback HTTP servers (docs/revenue.md, "Payouts"): the
 * provider simulator's payouts endpoint takes a payout signed with the provider's key and carrying
 * its reference as idempotency key, once; a forged signature, a provider answering non-2xx or not
 * answering within the timeout, and no provider listening all mean "not taken".
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PayoutDesk, SIMULATOR_PAYOUTS_PATH } from '#local/payment-simulator.ts';
import { HttpsPayoutProvider } from '#shared/adapters/payout-providers.ts';
import { signCallback } from '#shared/domain/payment-signature.ts';
import { type Payout, payoutSchema } from '#shared/domain/repayments.ts';
import { FixedPaymentProviderSecrets } from '#shared/ports/fakes/payments.ts';

const payout: Payout = payoutSchema.parse(
  JSON.parse(readFileSync(new URL('../fixtures/revenue/payout-requested.json', import.meta.url), 'utf8')),
);
const secrets = new FixedPaymentProviderSecrets();
const simulatorKey = async () => (await secrets.secretFor('simulator')) as Buffer;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** A loopback server answering every request with `answer`; the requests it got. */
async function loopback(answer: (request: IncomingMessage, body: Buffer) => Promise<{ status: number; body: unknown } | 'never'>) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    received.push({ headers: request.headers, body: body.toString('utf8') });
    const result = await answer(request, body);
    if (result === 'never') return;
    response.writeHead(result.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result.body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SIMULATOR_PAYOUTS_PATH}`;
  return { url, received, server };
}

/** The simulator's payouts endpoint on a loopback server. */
async function simulator() {
  const desk = new PayoutDesk(simulatorKey);
  const served = await loopback(async (request, body) => {
    const answer = await desk.handle({ method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body });
    return answer ?? { status: 404, body: {} };
  });
  return { desk, ...served };
}

describe('HttpsPayoutProvider', () => {
  it('posts the payout signed with the provider key and its reference as idempotency key; the simulator takes it once', async () => {
    // Prepare
    const { desk, url, received } = await simulator();
    const provider = new HttpsPayoutProvider({ url, provider: 'simulator', secrets });

    // Act
    const first = await provider.send(payout);
    const repeated = await provider.send(payout);

    // Assess
    expect([first, repeated]).toEqual(['taken', 'taken']);
    expect(JSON.parse(received[0]?.body ?? '{}')).toEqual({
      reference: payout.reference,
      amount: '12.34',
      currency: 'GBP',
      payee: payout.payeeId,
    });
    expect(received[0]?.headers['idempotency-key']).toBe(payout.reference);
    expect(received[0]?.headers['payment-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(desk.taken(payout.reference)).toMatchObject({
      reference: payout.reference,
      amount: '12.34',
      currency: 'GBP',
      payee: payout.payeeId,
    });
  });

  it('is refused by the simulator when signed with another key, and reports the payout not taken', async () => {
    // Prepare
    const { desk, url } = await simulator();
    const forger = new HttpsPayoutProvider({
      url,
      provider: 'simulator',
      secrets: new FixedPaymentProviderSecrets({ simulator: 'not-the-simulator-secret-0123456789' }),
    });

    // Act
    const outcome = await forger.send(payout);

    // Assess
    expect(outcome).toBe('not-taken');
    expect(desk.taken(payout.reference)).toBeUndefined();
  });

  it('has the simulator refuse a payout whose idempotency key is not its reference', async () => {
    // Prepare
    const { desk } = await simulator();
    const body = Buffer.from(JSON.stringify({ reference: payout.reference, amount: '12.34', currency: 'GBP', payee: payout.payeeId }));
    const signature = signCallback(await simulatorKey(), Math.floor(Date.now() / 1000), body);

    // Act
    const answer = await desk.handle({
      method: 'POST',
      path: SIMULATOR_PAYOUTS_PATH,
      headers: { 'payment-signature': signature, 'idempotency-key': 'another-reference' },
      body,
    });

    // Assess
    expect(answer?.status).toBe(400);
    expect(desk.taken(payout.reference)).toBeUndefined();
  });

  it('reports not taken when the provider answers other than 2xx (here 503, then a redirect)', async () => {
    // Prepare
    const unavailable = await loopback(async () => ({ status: 503, body: { message: 'down' } }));
    const redirecting = await loopback(async () => ({ status: 307, body: {} }));

    // Act
    const outcomes = [
      await new HttpsPayoutProvider({ url: unavailable.url, provider: 'simulator', secrets }).send(payout),
      await new HttpsPayoutProvider({ url: redirecting.url, provider: 'simulator', secrets }).send(payout),
    ];

    // Assess
    expect(outcomes).toEqual(['not-taken', 'not-taken']);
    expect(unavailable.received).toHaveLength(1);
  });

  it('reports not taken when the provider does not answer within the timeout, or nothing listens', async () => {
    // Prepare
    const silent = await loopback(async () => 'never');
    const closed = await loopback(async () => ({ status: 202, body: {} }));
    await new Promise((resolve) => closed.server.close(resolve));

    // Act
    const outcomes = [
      await new HttpsPayoutProvider({ url: silent.url, provider: 'simulator', secrets, timeoutMs: 200 }).send(payout),
      await new HttpsPayoutProvider({ url: closed.url, provider: 'simulator', secrets }).send(payout),
    ];

    // Assess
    expect(outcomes).toEqual(['not-taken', 'not-taken']);
    expect(silent.received).toHaveLength(1);
  });

  it('throws when the stage has no key for the provider (a configuration fault, not a provider refusal)', async () => {
    // Prepare
    const provider = new HttpsPayoutProvider({ url: 'https://payouts.bank.example/v1/payouts', provider: 'bank', secrets });

    // Act
    const sending = provider.send(payout);

    // Assess
    await expect(sending).rejects.toThrow(/no key for the payment provider bank/);
  });
});
