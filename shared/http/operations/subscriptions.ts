/** Webhook subscriptions: push notifications of the events that concern the caller (a trader, a carrier or a partner agency). */
import * as z from 'zod';
import {
  createdSubscriptionSchema,
  createSubscriptionInputSchema,
  deliveryListSchema,
  rotatedSecretSchema,
  SECRET_ROTATION_OVERLAP_HOURS,
  subscriptionListSchema,
  subscriptionViewSchema,
} from '#shared/domain/notifications.ts';
import { cursorParameter, defineOperation, queryInteger } from '#shared/http/operation-spec.ts';

const subscriptionIdParameter = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a subscription id (ULID)');

export const createSubscriptionOperation = defineOperation({
  operationId: 'createSubscription',
  method: 'POST',
  path: '/v1/subscriptions',
  summary:
    'Subscribe an https URL (public addresses only) to the notifications of your kind: a trader its declarations (status changes, document requests, holds, release) and permit decisions, a carrier the declaration and release of its manifest lines, an agency applications to it and releases drawing on its permits. Deliveries are signed (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature v1 HMAC-SHA256) with the secret returned this once (trader, carrier, agency)',
  roles: ['trader', 'carrier', 'agency'],
  body: { kind: 'json', documentedAs: createSubscriptionInputSchema, maxBytes: 8 * 1024 },
  responses: { 201: { description: 'Subscribed: keep `secret`, it is not shown again', schema: createdSubscriptionSchema } },
  problems: {
    400: 'Invalid input, a refused target, or an event type your kind may not subscribe to (EVENT_TYPE_NOT_ALLOWED)',
    409: 'You hold the most subscriptions (TOO_MANY_SUBSCRIPTIONS)',
    413: 'Body too large',
    415: 'Body is not JSON',
  },
});

export const listSubscriptionsOperation = defineOperation({
  operationId: 'listSubscriptions',
  method: 'GET',
  path: '/v1/subscriptions',
  summary: 'Your webhook subscriptions, ACTIVE or DISABLED (after repeated failed deliveries), oldest first (trader, carrier, agency)',
  roles: ['trader', 'carrier', 'agency'],
  responses: { 200: { description: 'The subscriptions (never their secrets)', schema: subscriptionListSchema } },
});

export const deleteSubscriptionOperation = defineOperation({
  operationId: 'deleteSubscription',
  method: 'DELETE',
  path: '/v1/subscriptions/{id}',
  summary: 'Delete one of your subscriptions: nothing more is delivered to it (trader, carrier, agency)',
  roles: ['trader', 'carrier', 'agency'],
  pathParameters: z.strictObject({ id: subscriptionIdParameter }),
  responses: { 204: { description: 'Deleted' } },
  problems: { 404: 'You have no subscription with this id' },
});

export const listSubscriptionDeliveriesOperation = defineOperation({
  operationId: 'listSubscriptionDeliveries',
  method: 'GET',
  path: '/v1/subscriptions/{id}/deliveries',
  summary:
    "One of your subscriptions' delivery log, newest first: each event's status (PENDING, DELIVERED, FAILED, SKIPPED) and attempts (trader, carrier, agency)",
  roles: ['trader', 'carrier', 'agency'],
  pathParameters: z.strictObject({ id: subscriptionIdParameter }),
  query: z.strictObject({ cursor: cursorParameter.optional(), limit: queryInteger(1, 100).default(25) }),
  responses: { 200: { description: 'The deliveries', schema: deliveryListSchema } },
  problems: { 404: 'You have no subscription with this id' },
});

export const rotateSubscriptionSecretOperation = defineOperation({
  operationId: 'rotateSubscriptionSecret',
  method: 'POST',
  path: '/v1/subscriptions/{id}/secret',
  summary: `A new signing secret for one of your subscriptions, shown this once; the previous one signs beside it for ${SECRET_ROTATION_OVERLAP_HOURS} hours (trader, carrier, agency)`,
  roles: ['trader', 'carrier', 'agency'],
  pathParameters: z.strictObject({ id: subscriptionIdParameter }),
  responses: { 200: { description: 'Rotated: keep `secret`, it is not shown again', schema: rotatedSecretSchema } },
  problems: { 404: 'You have no subscription with this id', 409: 'Another rotation came first (SECRET_ROTATED_CONCURRENTLY)' },
});

export const enableSubscriptionOperation = defineOperation({
  operationId: 'enableSubscription',
  method: 'POST',
  path: '/v1/subscriptions/{id}/enable',
  summary:
    'Take deliveries again on a subscription disabled after repeated failed deliveries, its failures counted from 0 (an active one stays as it is) (trader, carrier, agency)',
  roles: ['trader', 'carrier', 'agency'],
  pathParameters: z.strictObject({ id: subscriptionIdParameter }),
  responses: { 200: { description: 'The subscription, ACTIVE', schema: subscriptionViewSchema } },
  problems: { 404: 'You have no subscription with this id' },
});
