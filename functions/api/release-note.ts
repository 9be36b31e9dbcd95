/** GET /v1/declarations/{id}/release-note: a released declaration's release note under the customs seal. */
import { declarationReader, documentArchive, documentSeal } from '#shared/adapters/platform.ts';
import { loadConfig } from '#shared/config.ts';
import { httpOperation } from '#shared/http/operation.ts';
import { getReleaseNoteOperation } from '#shared/http/operations/sealed-documents.ts';
import { json } from '#shared/http/responses.ts';
import { getReleaseNote } from '#shared/usecases/sealed-documents.ts';

const config = loadConfig('getReleaseNote');

const deps = { repository: declarationReader(config, 'no bodies'), issued: documentSeal(config), archive: documentArchive(config) };

export const handler = httpOperation(getReleaseNoteOperation, async ({ principal, path }) =>
  json(200, await getReleaseNote({ principal, id: path.id }, deps)),
);
