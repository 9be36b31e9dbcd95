/** What a declaration page shows before it has the declaration: a wrong address, loading, or why it failed. */
import type { ReactNode } from 'react';
import { isDeclarationId, type useDeclaration } from '../api/hooks.ts';
import { ErrorPanel, Loading } from '../components/feedback.tsx';

export function DeclarationLoadState(props: { id: string; declaration: ReturnType<typeof useDeclaration>; back: ReactNode }) {
  const { id, declaration, back } = props;
  return (
    <>
      {!isDeclarationId(id) ? (
        <p className="error-panel" role="alert">
          This address does not name a declaration (declaration ids have 26 letters and digits). Check the link, or go to {back}.
        </p>
      ) : (
        declaration.isPending && <Loading>Loading the declaration…</Loading>
      )}
      {declaration.isError && (
        <ErrorPanel
          title="The declaration could not be loaded"
          error={declaration.error}
          onRetry={() => {
            void declaration.refetch();
          }}
        />
      )}
    </>
  );
}
