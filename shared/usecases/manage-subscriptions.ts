/**
 * A subscriber (a trader, a carrier or a partner agency: subscriberOf) registers webhook subscriptions
 * to the event types its kind may hear of, lists them, deletes them and reads their delivery
 * log. A subscriber sees only its own: another party's subscription does not exist for it (404).
 * The target URL is checked against SSRF before anything is stored (see webhook-targets.ts); the
 * secret is derived from the subscription id and its version, and shown once: in the answer to
 * the creation, or to a rotation. A subscription disabled after failed deliveries is enabled again
 * by its owner once the receiver is fixed.
 */
import type { Principal } from '#shared/domain/auth.ts';
import { newSubscriptionId } from '#shared/domain/ids.ts';
import {
  createSubscriptionInputSchema,
  eventTypesFor,
  MAX_SUBSCRIPTIONS,
  SECRET_ROTATION_OVERLAP_HOURS,
  type Subscription,
  subscriberOf,
  toDeliveryView,
  toSubscriptionView,
} from '#shared/domain/notifications.ts';
import { DomainError, problem } from '#shared/domain/problems.ts';
import { checkResolvedAddresses, checkTargetUrl, isProblem, type TargetPolicy } from '#shared/domain/webhook-targets.ts';
import type { Clock } from '#shared/ports/clock.ts';
import { InvalidCursorError } from '#shared/ports/declarations.ts';
import type { DeliveryLog, HostResolver, SubscriptionStore, WebhookSecrets } from '#shared/ports/webhooks.ts';

export interface SubscriptionDeps {
  subscriptions: SubscriptionStore;
  resolver: HostResolver;
  secrets: WebhookSecrets;
  clock: Clock;
  policy: TargetPolicy;
}

const refusedTarget = (found: ReturnType<typeof problem>) => new DomainError('BAD_REQUEST', 'Webhook target refused', [found]);

/** POST /v1/subscriptions: the subscription and, this once, its secret. */
export async function createSubscription(command: { principal: Principal; input: unknown }, deps: SubscriptionDeps) {
  const subscriber = subscriberOf(command.principal);
  const parsed = createSubscriptionInputSchema.safeParse(command.input, { reportInput: true });
  if (!parsed.success) throw DomainError.fromZod('BAD_REQUEST', 'Invalid subscription', parsed.error);
  // Each kind of subscriber hears only of what is its own (a carrier of its lines' goods, not of permits).
  const allowed = eventTypesFor[subscriber.kind];
  const foreign = parsed.data.events.flatMap((type, index) =>
    allowed.includes(type)
      ? []
      : [problem(`/events/${index}`, 'EVENT_TYPE_NOT_ALLOWED', `a ${subscriber.kind} may subscribe to ${allowed.join(', ')}; not ${type}`)],
  );
  if (foreign.length > 0) throw new DomainError('BAD_REQUEST', 'Invalid subscription', foreign);
  const target = checkTargetUrl(parsed.data.url, deps.policy);
  if (isProblem(target)) throw refusedTarget(target);
  if (!target.isAddress) {
    let addresses: string[];
    try {
      addresses = await deps.resolver.resolve(target.host);
    } catch {
      throw refusedTarget(problem('/url', 'TARGET_UNRESOLVABLE', `${target.host} does not resolve`));
    }
    const forbidden = checkResolvedAddresses(target.host, addresses, deps.policy);
    if (forbidden) throw refusedTarget(forbidden);
  }
  if ((await deps.subscriptions.list(subscriber)).length >= MAX_SUBSCRIPTIONS) {
    throw new DomainError('CONFLICT', 'Too many subscriptions', [
      problem('', 'TOO_MANY_SUBSCRIPTIONS', `a party holds at most ${MAX_SUBSCRIPTIONS} subscriptions; delete one first`),
    ]);
  }
  const now = deps.clock.now();
  const subscription: Subscription = {
    id: newSubscriptionId(now),
    subscriber,
    url: target.url.href,
    events: parsed.data.events,
    ...(parsed.data.description === undefined ? {} : { description: parsed.data.description }),
    status: 'ACTIVE',
    createdAt: now.toISOString(),
    createdBy: command.principal.subject,
    consecutiveFailures: 0,
    secretVersion: 0,
  };
  // A new ULID: taken only if the same id was made twice, which the monotonic factory rules out.
  if (!(await deps.subscriptions.create(subscription))) throw new Error(`subscription id ${subscription.id} exists already`);
  return { ...toSubscriptionView(subscription), secret: await deps.secrets.secretFor(subscription.id, subscription.secretVersion) };
}

/** GET /v1/subscriptions: the caller's subscriptions, oldest first. */
export async function listSubscriptions(query: { principal: Principal }, deps: Pick<SubscriptionDeps, 'subscriptions'>) {
  return { items: (await deps.subscriptions.list(subscriberOf(query.principal))).map(toSubscriptionView) };
}

const notFound = (id: string) =>
  new DomainError('NOT_FOUND', 'Not found', [problem('', 'SUBSCRIPTION_NOT_FOUND', `you have no subscription ${id}`)]);

/** DELETE /v1/subscriptions/{id}: gone; deliveries waiting for it are skipped. */
export async function deleteSubscription(command: { principal: Principal; id: string }, deps: Pick<SubscriptionDeps, 'subscriptions'>) {
  if (!(await deps.subscriptions.delete(subscriberOf(command.principal), command.id))) throw notFound(command.id);
}

/**
 * POST /v1/subscriptions/{id}/secret: a new secret, shown this once; the previous one keeps
 * signing beside it for SECRET_ROTATION_OVERLAP_HOURS. Two rotations at once: one wins, the other
 * is told to read the subscription again (409), so no caller holds a secret that never signs.
 */
export async function rotateSubscriptionSecret(
  command: { principal: Principal; id: string },
  deps: Pick<SubscriptionDeps, 'subscriptions' | 'secrets' | 'clock'>,
) {
  const subscriber = subscriberOf(command.principal);
  const current = await deps.subscriptions.get(subscriber, command.id);
  if (!current) throw notFound(command.id);
  const previousValidUntil = new Date(deps.clock.now().getTime() + SECRET_ROTATION_OVERLAP_HOURS * 60 * 60 * 1000).toISOString();
  const rotated = await deps.subscriptions.rotateSecret(subscriber, command.id, { fromVersion: current.secretVersion, previousValidUntil });
  if (!rotated) throw notFound(command.id);
  if (rotated === 'CHANGED') {
    throw new DomainError('CONFLICT', 'Secret rotated meanwhile', [
      problem('', 'SECRET_ROTATED_CONCURRENTLY', 'another rotation of this secret came first; rotate again if you do not hold its answer'),
    ]);
  }
  const newVersion = current.secretVersion + 1;
  return { ...toSubscriptionView(rotated), secret: await deps.secrets.secretFor(rotated.id, newVersion) };
}

/** POST /v1/subscriptions/{id}/enable: a DISABLED subscription takes deliveries again (an ACTIVE one stays as it is). */
export async function enableSubscription(command: { principal: Principal; id: string }, deps: Pick<SubscriptionDeps, 'subscriptions'>) {
  const enabled = await deps.subscriptions.enable(subscriberOf(command.principal), command.id);
  if (!enabled) throw notFound(command.id);
  return toSubscriptionView(enabled);
}

/** GET /v1/subscriptions/{id}/deliveries: the delivery log of one of the caller's subscriptions, newest first. */
export async function listSubscriptionDeliveries(
  query: { principal: Principal; id: string; limit: number; cursor?: string | undefined },
  deps: { subscriptions: SubscriptionStore; deliveries: DeliveryLog },
) {
  const subscription = await deps.subscriptions.get(subscriberOf(query.principal), query.id);
  if (!subscription) throw notFound(query.id);
  try {
    const page = await deps.deliveries.listDeliveries(subscription.id, { limit: query.limit, cursor: query.cursor });
    return { items: page.items.map(toDeliveryView), nextCursor: page.nextCursor };
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new DomainError('BAD_REQUEST', 'Invalid cursor', [
        problem('/cursor', 'INVALID_CURSOR', 'the cursor is not one this API returned for this listing'),
      ]);
    }
    throw error;
  }
}
