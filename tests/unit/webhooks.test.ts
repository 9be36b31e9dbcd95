/** The webhook rules that need no platform: Standard Webhooks signatures, and which targets are refused (SSRF). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from '#shared/domain/webhook-signature.ts';
import { checkResolvedAddresses, checkTargetUrl, forbiddenAddressReason } from '#shared/domain/webhook-targets.ts';

const vector = JSON.parse(readFileSync(new URL('../fixtures/webhooks/standard-webhooks-vector.json', import.meta.url), 'utf8')) as {
  secret: string;
  id: string;
  timestamp: number;
  body: string;
  signature: string;
};

const inAws = { allowLoopback: false };
const localCloud = { allowLoopback: true };

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs the reference vector as the Standard Webhooks libraries do, and verifies it', () => {
    // Act
    const signature = signWebhook(vector);
    const verified = verifyWebhook({
      headers: { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': `v1,other ${signature}` },
      body: vector.body,
      secret: vector.secret,
      nowSeconds: vector.timestamp + 10,
    });

    // Assess
    expect(signature).toBe(vector.signature);
    expect(verified).toEqual({ valid: true });
  });

  it('refuses an altered body, another secret, a stale timestamp and missing headers', () => {
    // Prepare
    const secret = deriveWebhookSecret('a-master-secret-of-at-least-32-characters', '01KB0000000000000000000000');
    const headers = webhookHeaders({ id: 'evt_1', timestamp: 1_800_000_000, body: '{"a":1}', secrets: [secret] });
    const check = (overrides: Partial<Parameters<typeof verifyWebhook>[0]>) =>
      verifyWebhook({ headers, body: '{"a":1}', secret, nowSeconds: 1_800_000_060, ...overrides });

    // Act
    const results = [
      check({}),
      check({ body: '{"a":2}' }),
      check({ secret: deriveWebhookSecret('a-master-secret-of-at-least-32-characters', '01KB0000000000000000000001') }),
      check({ nowSeconds: 1_800_000_000 + 301 }),
      check({ headers: { ...headers, 'webhook-signature': undefined } }),
    ];

    // Assess
    expect(results).toEqual([
      { valid: true },
      { valid: false, reason: 'NO_MATCHING_SIGNATURE' },
      { valid: false, reason: 'NO_MATCHING_SIGNATURE' },
      { valid: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' },
      { valid: false, reason: 'MISSING_HEADERS' },
    ]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('derives another secret for each version, version 0 as before rotation existed, and signs once per secret', () => {
    // Prepare
    const master = 'a-master-secret-of-at-least-32-characters';
    const id = '01KB0000000000000000000000';
    const [first, second] = [deriveWebhookSecret(master, id, 0), deriveWebhookSecret(master, id, 1)];
    const body = '{"a":1}';

    // Act
    const headers = webhookHeaders({ id: 'evt_1', timestamp: 1_800_000_000, body, secrets: [second, first] });
    const check = (secret: string) => verifyWebhook({ headers, body, secret, nowSeconds: 1_800_000_000 });

    // Assess: either secret verifies the delivery; a third does not
    expect(deriveWebhookSecret(master, id)).toBe(first);
    expect(second).not.toBe(first);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect([check(first), check(second), check(deriveWebhookSecret(master, id, 2))]).toEqual([
      { valid: true },
      { valid: true },
      { valid: false, reason: 'NO_MATCHING_SIGNATURE' },
    ]);
  });
});

describe('webhook targets (SSRF)', () => {
  it.each([
    ['10.1.2.3', /private/],
    ['172.31.255.255', /private/],
    ['192.168.0.1', /private/],
    ['100.64.0.1', /private/],
    ['169.254.169.254', /link-local/],
    ['127.0.0.1', /loopback/],
    ['0.0.0.0', /special-purpose/],
    ['::1', /loopback/],
    ['::', /special-purpose/],
    ['fe80::1', /link-local/],
    ['fd12:3456::1', /private/],
    ['::ffff:10.0.0.1', /private/],
    ['::ffff:169.254.169.254', /link-local/],
    ['::ffff:7f00:1', /loopback/],
    ['64:ff9b::a00:1', /special-purpose/],
    ['2002:a00:1::1', /special-purpose/],
    ['::127.0.0.1', /special-purpose/],
    ['::a9fe:a9fe', /special-purpose/],
    ['fec0::1', /private/],
    ['100::1', /special-purpose/],
  ])('refuses %s in AWS', (address, reason) => {
    expect(forbiddenAddressReason(address, inAws)).toMatch(reason);
  });

  it('allows public addresses, and loopback only in the local cloud', () => {
    expect(
      ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '::ffff:93.184.215.14'].map((address) =>
        forbiddenAddressReason(address, inAws),
      ),
    ).toEqual([undefined, undefined, undefined]);
    expect(['127.0.0.1', '::1'].map((address) => forbiddenAddressReason(address, localCloud))).toEqual([undefined, undefined]);
    expect(forbiddenAddressReason('10.0.0.1', localCloud)).toMatch(/private/);
  });

  it.each([
    ['http://hooks.example.com/', 'TARGET_NOT_HTTPS'],
    ['https://user:pass@hooks.example.com/', 'TARGET_CREDENTIALS'],
    ['https://0x7f.1/', 'TARGET_FORBIDDEN'],
    ['https://2130706433/', 'TARGET_FORBIDDEN'],
    ['https://[::1]/', 'TARGET_FORBIDDEN'],
    ['https://[0:0:0:0:0:ffff:10.0.0.1]/', 'TARGET_FORBIDDEN'],
    ['not a url', 'INVALID_URL'],
  ])('refuses %s before any DNS lookup (%s)', (url, code) => {
    expect(checkTargetUrl(url, inAws)).toMatchObject({ pointer: '/url', code });
  });

  it('refuses a name when any address it resolves to is forbidden', () => {
    expect(checkResolvedAddresses('rebind.example', ['93.184.215.14', '10.0.0.1'], inAws)).toMatchObject({ code: 'TARGET_FORBIDDEN' });
    expect(checkResolvedAddresses('hooks.example', ['93.184.215.14'], inAws)).toBeUndefined();
    expect(checkResolvedAddresses('nothing.example', [], inAws)).toMatchObject({ code: 'TARGET_UNRESOLVABLE' });
  });
});
