/** GET /.well-known/jwks.json: the public keys of the customs seal, every key ever used. */
import { documentSeal } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { sealKeySetOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { sealKeySet } from '#shared/usecases/sealed-documents.ts';

const deps = { keys: documentSeal(loadConfig('getSealKeys')) };

// Keys change only when the seal is rotated: caches may keep the set for five minutes.
export const handler = httpOperation(sealKeySetOperation, async () =>
  json(200, await sealKeySet(deps), { 'cache-control': 'public, max-age=300' }),
);
