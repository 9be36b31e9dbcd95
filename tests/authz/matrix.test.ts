/**
 * The authorisation matrix, generated from the route table: every route x every caller
 * (anonymous, the owning trader, another trader, an officer, an admin, the owning carrier, another
 * carrier, the plant health agency's user and another agency's user) x owned or foreign
 * resource. Each cell states what the platform must answer; a route added to the table without
 * a row here fails the test.
 */
import { randomInt } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citesAgency } from '#demo/permit-rules-seed.ts';
import { type LocalCloud, startLocalCloud } from '#local/cloud.ts';
import { seedDemoData } from '#local/seed.ts';
import type { OperationSpec } from '#shared/http/operation-spec.ts';
import { operations } from '#shared/http/operations/index.ts';
import { apiClient, declarationFor, defermentAccountOf, eventually, newParty } from '#tests/integration/support.ts';
import { tomatoesApplication } from '#tests/support/permits.ts';
import { noRandomSelection } from '#tests/support/scenarios.ts';

type Caller = 'anonymous' | 'owner' | 'otherTrader' | 'officer' | 'admin' | 'carrier' | 'otherCarrier' | 'agency' | 'otherAgency';
const callers: readonly Caller[] = [
  'anonymous',
  'owner',
  'otherTrader',
  'officer',
  'admin',
  'carrier',
  'otherCarrier',
  'agency',
  'otherAgency',
];

let cloud: LocalCloud;
let api: ReturnType<typeof apiClient>['call'];
const owner = newParty();
let declarationId = '';
/** The owner's declaration's UCR (generated at intake), which the carrier's manifest line names too. */
let ucr = '';
/** The owner's release note as GET /v1/declarations/{id}/documents names it. */
let releaseNoteId = '';
const missingId = '01M8F0000000000000000000ZZ';
/** The owner's webhook subscription (to a loopback receiver: the local cloud allows one). */
let subscriptionId = '';
/** The carrier whose manifest the manifest cells read, and that manifest's id. */
const carrier = newParty();
let manifestId = '';
/** The owner's application for a plant health permit (to the agency of `agency`, not of `otherAgency`). */
let permitId = '';
/** A public signing key (Ed25519) to register. */
let publicJwk: Record<string, unknown> = {};

beforeAll(async () => {
  cloud = await startLocalCloud({ port: 0, dynamodbPort: 0, awsPort: 0, retryDelaySeconds: 0, logLevel: 'silent' });
  await seedDemoData();
  api = apiClient(cloud.apiUrl).call;
  // No random selection: the declaration is released (and gets its release note) every time.
  const settings = await api('PUT', '/v1/admin/reference-documents/risk-settings', { token: token('admin'), body: noRandomSelection });
  expect(settings.status).toBe(200);
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  publicJwk = { ...(await exportJWK(publicKey)) };
  const applied = await api<{ id: string }>('POST', '/v1/permits', { token: token('owner'), body: tomatoesApplication() });
  permitId = applied.body.id;
  expect(applied.status).toBe(201);
  const submitted = await api<{ id: string; ucr: string }>('POST', '/v1/declarations', {
    token: token('owner'),
    body: declarationFor(owner),
  });
  declarationId = submitted.body.id;
  ucr = submitted.body.ucr;
  await eventually(async () => {
    const view = await api<{ status: string }>('GET', `/v1/declarations/${declarationId}`, { token: token('owner') });
    return view.body.status === 'RELEASED' ? true : undefined;
  });
  const subscribed = await api<{ id: string }>('POST', '/v1/subscriptions', {
    token: token('owner'),
    body: { url: 'http://127.0.0.1:9/matrix', events: ['declaration.held'] },
  });
  subscriptionId = subscribed.body.id;
  // Its release note is issued from the documents queue, shortly after.
  await eventually(async () => {
    const note = await api('GET', `/v1/declarations/${declarationId}/release-note`, { token: token('owner') });
    return note.status === 200 ? true : undefined;
  });
  const listed = await api<{ items: { documentId: string; kind: string }[] }>('GET', `/v1/declarations/${declarationId}/documents`, {
    token: token('owner'),
  });
  releaseNoteId = listed.body.items.find((item) => item.kind === 'RELEASE_NOTE')?.documentId ?? '';
  expect(releaseNoteId).not.toBe('');
  const manifest = manifestFor(carrier);
  for (const line of manifest.lines) Object.assign(line, { ucr });
  const reported = await api<{ id: string }>('POST', '/v1/manifests', { token: token('carrier'), body: manifest });
  manifestId = reported.body.id;
  expect(reported.status).toBe(201);
});

afterAll(async () => {
  await cloud?.stop();
});

function token(caller: Caller): string | undefined {
  if (caller === 'anonymous') return undefined;
  if (caller === 'owner') return cloud.mintToken({ role: 'trader', party: owner });
  if (caller === 'otherTrader') return cloud.mintToken({ role: 'trader', party: 'GB999999999999' });
  if (caller === 'carrier') return cloud.mintToken({ role: 'carrier', party: carrier });
  if (caller === 'otherCarrier') return cloud.mintToken({ role: 'carrier', party: 'GB888888888888' });
  // The demo plant health agency's user, and a user of the CITES authority.
  if (caller === 'agency') return cloud.mintToken({ role: 'agency' });
  if (caller === 'otherAgency') return cloud.mintToken({ role: 'agency', agency: citesAgency });
  return cloud.mintToken({ role: caller });
}

/** An event type the caller's kind may subscribe to (a carrier: its lines' goods; an agency: applications to it). */
const subscribableBy = (caller: Caller): string =>
  caller === 'carrier' || caller === 'otherCarrier'
    ? 'cargo.released'
    : caller === 'agency' || caller === 'otherAgency'
      ? 'permit.applied'
      : 'declaration.released';

/** A one-line arrival manifest of the carrier, a new voyage and transport document each time. */
const manifestFor = (party: string) => ({
  carrier: { id: party, name: 'Matrix Line' },
  transport: { mode: '1', voyage: `MX${randomInt(100_000, 999_999)}` },
  office: 'GBFXT',
  arrivedAt: new Date().toISOString(),
  lines: [
    {
      transportDocument: { type: 'N705', ref: `MX-BL-${randomInt(1_000_000, 9_999_999)}` },
      packages: { count: 1, kind: 'PX' },
      grossMassKg: '100',
      goodsDescription: 'Authorisation matrix',
    },
  ],
});

/** A request each operation accepts from an allowed caller (valid path, query and body). */
function requestFor(
  op: OperationSpec,
  caller: Caller,
): { path: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } {
  const party = caller === 'otherTrader' ? 'GB999999999999' : owner;
  const profile = {
    name: 'Matrix',
    reason: 'authorisation matrix',
    validFrom: '2020-01-01',
    criteria: { kind: 'origin', countries: ['TV'] },
    outcome: { score: 1 },
  };
  switch (op.operationId) {
    case 'submitDeclaration':
      return { path: op.path, body: declarationFor(party) };
    case 'listDeclarations':
      return { path: caller === 'officer' || caller === 'admin' ? `${op.path}?declarant=${owner}` : op.path };
    case 'getDeclaration':
    case 'listDeclarationEvents':
    case 'getReleaseNote':
    case 'listDeclarationDocuments':
      return { path: op.path.replace('{id}', declarationId) };
    case 'getDocument':
      return { path: op.path.replace('{docId}', releaseNoteId) };
    case 'getSealKeys':
      return { path: op.path };
    case 'verifyDocument':
      return { path: op.path, body: { document: { kind: 'RELEASE_NOTE', declarationId }, seal: 'e30.e30.AAAA' } };
    case 'listReviewQueue':
      return { path: `${op.path}?lane=RED&office=GBLHR` };
    case 'estimateDuty':
      return { path: op.path, body: declarationFor(party) };
    case 'clearanceStatistics':
    case 'profileSelections':
      return { path: op.path };
    case 'lookUpCommodity':
      return { path: op.path.replace('{code}', '8510900000') };
    case 'loadReferenceDocument':
      // An invalid document: the cell checks who may reach validation, not a new version.
      return { path: op.path.replace('{kind}', 'exchange-rates'), body: { format: 'wrong' } };
    case 'referenceDocumentHistory':
      return { path: op.path.replace('{kind}', 'exchange-rates') };
    case 'createRiskProfile':
    case 'dryRunRiskProfile':
      return { path: op.path, body: profile };
    case 'listRiskProfiles':
      return { path: op.path };
    case 'getRiskProfile':
    case 'editRiskProfile':
    case 'disableRiskProfile':
      return { path: op.path.replace('{id}', 'no-such-profile'), ...(op.method === 'PUT' ? { body: profile } : {}) };
    case 'rebuildValuationReferences':
      return { path: `${op.path}?days=1` };
    case 'setTraderStatus':
      return { path: op.path.replace('{partyId}', owner), body: { aeo: null, trusted: false } };
    case 'getTraderProfile':
      return { path: op.path.replace('{partyId}', 'GB987654321000') };
    case 'retryDeclaration':
      return { path: op.path.replace('{id}', declarationId) };
    case 'resendPayout':
      return { path: op.path.replace('{reference}', `${missingId}-R1`), body: { reason: 'authorisation matrix' } };
    // Officers' actions on a declaration that does not exist: whether the owner's is released or
    // under review depends on the random draw, so these cells check the role and then the 404.
    case 'claimDeclaration':
    case 'releaseDeclarationClaim':
      return { path: op.path.replace('{id}', missingId) };
    case 'amendDeclaration':
      return { path: op.path.replace('{id}', missingId), body: declarationFor(party), headers: { 'if-match': '"1"' } };
    case 'getDeclarationAmendment':
      return { path: op.path.replace('{id}', declarationId).replace('{n}', '0') };
    case 'cancelDeclaration':
      return { path: op.path.replace('{id}', missingId), body: { reason: 'authorisation matrix' } };
    case 'decideOnDeclaration':
      return { path: op.path.replace('{id}', missingId), body: { action: 'RELEASE' } };
    case 'recordInspection':
      return { path: op.path.replace('{id}', missingId), body: { result: 'NO_DISCREPANCY', findings: 'authorisation matrix' } };
    // The owner's declaration is released or under review, never waiting for documents.
    case 'requestDocumentUpload':
      return {
        path: op.path.replace('{id}', declarationId),
        body: { type: 'N935', ref: 'INV-1', contentType: 'application/pdf', size: 1000, sha256: 'a'.repeat(64) },
      };
    // Each trader registers the key for its own party.
    case 'registerSigningKey':
      return { path: op.path, body: { jwk: publicJwk } };
    case 'listSigningKeys':
      return { path: op.path };
    case 'revokeSigningKey':
      return { path: op.path.replace('{kid}', 'matrix-no-such-key') };
    case 'listTraderSigningKeys':
      return { path: op.path.replace('{partyId}', owner) };
    // Each trader or carrier subscribes for its own party, each agency user for its agency, to events
    // of its kind; a subscription of the owner's is read by id.
    case 'createSubscription':
      return { path: op.path, body: { url: 'http://127.0.0.1:9/matrix', events: [subscribableBy(caller)] } };
    case 'listSubscriptions':
      return { path: op.path };
    case 'deleteSubscription':
      return { path: op.path.replace('{id}', missingId) };
    case 'listSubscriptionDeliveries':
    case 'rotateSubscriptionSecret':
    case 'enableSubscription':
      return { path: op.path.replace('{id}', subscriptionId) };
    case 'getOpenApi':
      return { path: op.path };
    // The owner's test deferment account (opened before its declaration was submitted).
    case 'openAccount':
      return { path: op.path, body: { kind: 'CASH', number: '1111111', ownerId: owner, currency: 'GBP' } };
    case 'topUpAccount':
      return { path: op.path.replace('{number}', defermentAccountOf(owner)), body: { amount: '1.00', reference: 'MATRIX-1' } };
    case 'listAccounts':
      return { path: caller === 'officer' || caller === 'admin' ? `${op.path}?owner=${owner}` : op.path };
    case 'getAccount':
      return { path: op.path.replace('{number}', defermentAccountOf(owner)) };
    // The owner's deferment account: no period of it is closed yet (a period long before it was opened closes nothing).
    case 'listStatements':
      return { path: op.path.replace('{number}', defermentAccountOf(owner)) };
    case 'getStatement':
      return { path: op.path.replace('{number}', defermentAccountOf(owner)).replace('{period}', '2020-01') };
    case 'closeStatements':
      return { path: `${op.path}?period=2020-01` };
    case 'revenueReconciliation':
      return { path: op.path };
    // Unsigned: refused whoever sends it.
    case 'paymentCallback':
      return {
        path: op.path.replace('{provider}', 'simulator'),
        body: { eventId: 'matrix', type: 'payment.succeeded', reference: `${declarationId}-4`, amount: '1.00', currency: 'GBP' },
      };
    // A claim far above anything charged: refused (422) for the owner, nothing stored; no such declaration for another trader.
    case 'claimRepayment':
      return {
        path: op.path.replace('{id}', declarationId),
        body: { reason: 'OVERPAID', amounts: { A00: '999999999.00' }, explanation: 'authorisation matrix', documents: [] },
      };
    case 'listDeclarationRepaymentClaims':
      return { path: op.path.replace('{id}', declarationId) };
    case 'listPendingRepaymentClaims':
      return { path: op.path };
    case 'decideRepaymentClaim':
      return { path: op.path.replace('{claimId}', `${missingId}-R1`), body: { outcome: 'REFUSE', reason: 'authorisation matrix' } };
    // Each carrier reports for its own party; the carrier's manifest is read by id.
    case 'submitManifest':
      return { path: op.path, body: manifestFor(caller === 'otherCarrier' ? 'GB888888888888' : carrier) };
    case 'getManifest':
      return { path: op.path.replace('{id}', manifestId) };
    case 'getConsignment':
      return { path: op.path.replace('{ucr}', ucr) };
    case 'listUndeclaredGoods':
      return { path: `${op.path}?office=GBFXT` };
    // The owner's application; deciding one that does not exist (a decision would change the owner's).
    case 'applyForPermit':
      return { path: op.path, body: tomatoesApplication() };
    case 'listPermits':
      return { path: caller === 'officer' || caller === 'admin' ? `${op.path}?holder=${owner}` : op.path };
    case 'getPermit':
      return { path: op.path.replace('{id}', permitId) };
    case 'decidePermit':
      return { path: op.path.replace('{id}', `PRM${missingId}`), body: { decision: 'REFUSE', reason: 'authorisation matrix' } };
    default:
      throw new Error(`no request for ${op.operationId}: add its row to the authorisation matrix`);
  }
}

/** What an allowed caller gets for the request above (the resource's own rules, past the role check). */
const allowedStatus: Record<string, (caller: Caller) => number> = {
  submitDeclaration: () => 202,
  listDeclarations: () => 200,
  // Another trader's declaration does not exist for a trader: 404, no existence oracle. It cites no
  // permit, so it does not exist for any agency user either.
  getDeclaration: (caller) => (caller === 'otherTrader' || caller === 'agency' || caller === 'otherAgency' ? 404 : 200),
  listDeclarationEvents: (caller) => (caller === 'otherTrader' ? 404 : 200),
  listReviewQueue: () => 200,
  estimateDuty: () => 200,
  clearanceStatistics: () => 200,
  profileSelections: () => 200,
  lookUpCommodity: () => 200,
  loadReferenceDocument: () => 400,
  referenceDocumentHistory: () => 200,
  createRiskProfile: () => 201,
  dryRunRiskProfile: () => 200,
  listRiskProfiles: () => 200,
  getRiskProfile: () => 404,
  editRiskProfile: () => 404,
  disableRiskProfile: () => 404,
  rebuildValuationReferences: () => 200,
  setTraderStatus: () => 200,
  getTraderProfile: () => 200,
  // The declaration is not PROCESSING_FAILED.
  retryDeclaration: () => 409,
  cancelDeclaration: () => 404,
  amendDeclaration: () => 404,
  // Amendment 0 is the declaration as first submitted; another trader's does not exist for them.
  getDeclarationAmendment: (caller) => (caller === 'otherTrader' ? 404 : 200),
  claimDeclaration: () => 404,
  releaseDeclarationClaim: () => 404,
  decideOnDeclaration: () => 404,
  recordInspection: () => 404,
  // The owner: not waiting for documents (409); another trader: no such declaration (404).
  requestDocumentUpload: (caller) => (caller === 'otherTrader' ? 404 : 409),
  registerSigningKey: () => 201,
  listSigningKeys: () => 200,
  revokeSigningKey: () => 404,
  listTraderSigningKeys: () => 200,
  createSubscription: () => 201,
  listSubscriptions: () => 200,
  deleteSubscription: () => 404,
  // The owner's subscription does not exist for anyone else (another trader, a carrier, an agency).
  listSubscriptionDeliveries: (caller) => (caller === 'owner' ? 200 : 404),
  rotateSubscriptionSecret: (caller) => (caller === 'owner' ? 200 : 404),
  enableSubscription: (caller) => (caller === 'owner' ? 200 : 404),
  getOpenApi: () => 200,
  // Released with its note; another trader's does not exist for them.
  getReleaseNote: (caller) => (caller === 'otherTrader' ? 404 : 200),
  getSealKeys: () => 200,
  // The owner's documents (the notice and the release note) and their download links: another trader's do not exist for them.
  listDeclarationDocuments: (caller) => (caller === 'otherTrader' ? 404 : 200),
  getDocument: (caller) => (caller === 'otherTrader' ? 404 : 200),
  // Anyone may ask; a made-up seal is not genuine (200 with genuine: false).
  verifyDocument: () => 200,
  openAccount: () => 201,
  // A deferment account takes no top-ups.
  topUpAccount: () => 409,
  listAccounts: () => 200,
  // Another trader's account does not exist for them.
  getAccount: (caller) => (caller === 'otherTrader' ? 404 : 200),
  // Another trader's account does not exist for them; its statements neither.
  listStatements: (caller) => (caller === 'otherTrader' ? 404 : 200),
  // No statement of that period (and another trader's account does not exist for them).
  getStatement: () => 404,
  closeStatements: () => 200,
  revenueReconciliation: () => 200,
  // No Payment-Signature: refused before the body is read.
  paymentCallback: () => 401,
  // Above what was charged (422, pointing at the tax type); another trader's declaration does not exist for them.
  claimRepayment: (caller) => (caller === 'otherTrader' ? 404 : 422),
  listDeclarationRepaymentClaims: (caller) => (caller === 'otherTrader' ? 404 : 200),
  listPendingRepaymentClaims: () => 200,
  decideRepaymentClaim: () => 404,
  // No such payout.
  resendPayout: () => 404,
  submitManifest: () => 201,
  // Another carrier's manifest does not exist for it.
  getManifest: (caller) => (caller === 'otherCarrier' ? 404 : 200),
  listUndeclaredGoods: () => 200,
  // The owner's declaration and the carrier's line name the UCR: another trader, another carrier and
  // agency users (the declaration cites no permit) get 404, as for a UCR nothing names.
  getConsignment: (caller) => (['otherTrader', 'otherCarrier', 'agency', 'otherAgency'].includes(caller) ? 404 : 200),
  applyForPermit: () => 201,
  listPermits: () => 200,
  // The holder, its agency and customs see the application; nobody else learns it exists.
  getPermit: (caller) => (caller === 'otherTrader' || caller === 'otherAgency' ? 404 : 200),
  decidePermit: () => 404,
};

function expected(op: OperationSpec, caller: Caller): number {
  if (op.roles === 'public') return allowedStatus[op.operationId]!(caller);
  if (caller === 'anonymous') return 401;
  const role =
    caller === 'owner' || caller === 'otherTrader'
      ? 'trader'
      : caller === 'otherCarrier'
        ? 'carrier'
        : caller === 'otherAgency'
          ? 'agency'
          : caller;
  if (!op.roles.includes(role)) return 403;
  return allowedStatus[op.operationId]!(caller);
}

const cells = operations.flatMap((op) => callers.map((caller) => [op, caller] as const));

describe('authorisation matrix', () => {
  it('has an expected answer for every operation', () => {
    expect(operations.filter((op) => !(op.operationId in allowedStatus)).map((op) => op.operationId)).toEqual([]);
  });

  it.each(cells.map(([op, caller]) => [`${op.method} ${op.path}`, caller, op] as const))('%s as %s', async (_route, caller, op) => {
    // Prepare
    const request = requestFor(op, caller);
    const bearer = token(caller);

    // Act
    const response = await api<{ items?: { id: string }[] }>(op.method, request.path, { ...(bearer ? { token: bearer } : {}), ...request });

    // Assess
    expect(response.status).toBe(expected(op, caller));
    // A listing shows the owner's declaration to the owner and to customs, never to another trader.
    if (op.operationId === 'listDeclarations' && response.status === 200) {
      expect(response.body.items?.some((item) => item.id === declarationId)).toBe(caller !== 'otherTrader');
    }
  });

  it("refuses a trader acting for another party's declarations", async () => {
    // Prepare
    const other = token('otherTrader') as string;

    // Act
    const submitAsOwner = await api<{ problems: { code: string }[] }>('POST', '/v1/declarations', {
      token: other,
      body: declarationFor(owner),
    });
    const listOwners = await api<{ problems: { code: string }[] }>('GET', `/v1/declarations?declarant=${owner}`, { token: other });

    // Assess
    expect(submitAsOwner.status).toBe(403);
    expect(submitAsOwner.body.problems[0]?.code).toBe('DECLARANT_MISMATCH');
    expect(listOwners.status).toBe(403);
    expect(listOwners.body.problems[0]?.code).toBe('DECLARANT_MISMATCH');
  });
});
