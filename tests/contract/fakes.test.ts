/** The contract on the in-memory fakes (shared/usecases/fakes.ts). */
import { InMemoryDeclarationRepository, InMemoryDocumentArchive } from '../../shared/usecases/fakes.ts';
import { declarationRepositoryContract } from './declaration-repository.contract.ts';

const repository = new InMemoryDeclarationRepository();
const archive = new InMemoryDocumentArchive();

declarationRepositoryContract('in-memory fakes', { repository: () => repository, archive: () => archive });
