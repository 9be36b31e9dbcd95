/** The contract on the in-memory fakes (shared/ports/fakes/). */
import { InMemoryDeclarationRepository } from '../../shared/ports/fakes/declaration-repository.ts';
import { InMemoryDocumentArchive } from '../../shared/ports/fakes/document-archive.ts';
import { declarationRepositoryContract } from './declaration-repository.contract.ts';

const repository = new InMemoryDeclarationRepository();
const archive = new InMemoryDocumentArchive();

declarationRepositoryContract('in-memory fakes', { repository: () => repository, archive: () => archive });
