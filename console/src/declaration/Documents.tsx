/**
 * The documents a trader uploaded in answer to a document request, as the API lists them: what
 * each is, its SHA-256 (what the archive checked the bytes against) and whether it counts.
 */
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import type { DocumentView } from '#shared/domain/documents.ts';
import { columnsFor, DataTable } from '../components/DataTable.tsx';
import { Time } from '../components/Time.tsx';
import { decimal } from '../format.ts';
import { Section } from './sections.tsx';

const statusLabels: Record<DocumentView['status'], string> = {
  PENDING: 'Waiting for the file',
  RECEIVED: 'Received',
  REFUSED: 'Refused',
};

const columns = columnsFor<DocumentView>();
const documentColumns = columns.columns([
  columns.accessor('type', { header: 'Code', cell: (info) => <code>{info.getValue()}</code> }),
  columns.accessor('ref', { header: 'Reference' }),
  columns.display({
    id: 'file',
    header: 'File',
    cell: ({ row }) => `${row.original.contentType}, ${decimal(String(row.original.size))} bytes`,
  }),
  columns.accessor('sha256', { header: 'SHA-256', cell: (info) => <code className="hash">{info.getValue()}</code> }),
  columns.display({
    id: 'status',
    header: 'Status',
    cell: ({ row }) => {
      const { status, receivedAt, refusal } = row.original;
      if (status === 'RECEIVED')
        return receivedAt ? (
          <>
            {statusLabels.RECEIVED} <Time value={receivedAt} />
          </>
        ) : (
          statusLabels.RECEIVED
        );
      if (status === 'REFUSED') return `${statusLabels.REFUSED}: ${refusal?.reason ?? 'no reason given'}`;
      return statusLabels.PENDING;
    },
  }),
]);

export function Documents({ view }: { view: DeclarationView }) {
  if (view.documents.length === 0) return null;
  return (
    <Section id="documents" title={`Documents (${view.documents.length})`}>
      <DataTable
        caption="Documents uploaded for customs, oldest first"
        label="Uploaded documents"
        columns={documentColumns}
        data={view.documents}
        rowId={(document) => document.documentId}
        empty="No documents"
      />
    </Section>
  );
}
