/**
 * Posts webhook deliveries with node:http(s), checking the target at connect time: the host is
 * resolved by a `lookup` that refuses the connection when any address is forbidden
 * (webhook-targets.ts), and the socket connects to exactly the addresses checked, so a DNS answer
 * that changed since registration (DNS rebinding) cannot reach a private address. Redirects are
 * not followed (a 3xx is a failed attempt); the answer's body is read and discarded.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkTargetUrl, forbiddenAddressReason, isProblem, type TargetPolicy } from '#shared/domain/webhook-targets.ts';
import type { PostOutcome, WebhookSender } from '#shared/ports/webhooks.ts';

/** How long a receiver has to answer (Standard Webhooks suggests receivers answer quickly and work later). */
const TIMEOUT_MS = 10_000;
const MAX_ERROR_CHARS = 200;

class ForbiddenTargetError extends Error {
  readonly code = 'TARGET_FORBIDDEN';
}

export class HttpsWebhookSender implements WebhookSender {
  constructor(private readonly policy: TargetPolicy) {}

  /** Resolves like dns.lookup, and fails when any address of the answer is forbidden. */
  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const forbidden = addresses.find((candidate) => forbiddenAddressReason(candidate.address, this.policy));
      if (forbidden || addresses.length === 0) {
        const reason = forbidden ? forbiddenAddressReason(forbidden.address, this.policy) : 'no address';
        return callback(new ForbiddenTargetError(`${hostname} resolves to ${forbidden?.address ?? 'nothing'}, ${reason}`), '', 0);
      }
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };

  post(request: { url: string; headers: Record<string, string>; body: string }): Promise<PostOutcome> {
    const target = checkTargetUrl(request.url, this.policy);
    if (isProblem(target)) return Promise.resolve({ outcome: 'FAILED', statusCode: null, error: `${target.code}: ${target.message}` });
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = Buffer.from(request.body, 'utf8');
    return new Promise<PostOutcome>((resolve) => {
      const outgoing = send(
        target.url,
        {
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(body.length) },
          // IP literals never reach a lookup: checkTargetUrl has checked them.
          ...(isIP(target.host) === 0 ? { lookup: this.checkedLookup } : {}),
          timeout: TIMEOUT_MS,
        },
        (response) => {
          response.resume();
          const statusCode = response.statusCode ?? 0;
          response.on('end', () =>
            resolve(
              statusCode >= 200 && statusCode < 300
                ? { outcome: 'DELIVERED', statusCode }
                : { outcome: 'FAILED', statusCode, error: `HTTP ${statusCode}` },
            ),
          );
          response.on('error', (error) => resolve({ outcome: 'FAILED', statusCode, error: describe(error) }));
        },
      );
      outgoing.on('timeout', () =>
        outgoing.destroy(Object.assign(new Error(`no answer within ${TIMEOUT_MS / 1000} s`), { code: 'TIMEOUT' })),
      );
      outgoing.on('error', (error) => resolve({ outcome: 'FAILED', statusCode: null, error: describe(error) }));
      outgoing.end(body);
    });
  }
}

const describe = (error: Error & { code?: string }): string => {
  const text = error.code && !error.message.startsWith(error.code) ? `${error.code}: ${error.message}` : error.message;
  return text.slice(0, MAX_ERROR_CHARS);
};
