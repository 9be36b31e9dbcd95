/**
 * The console's data: TanStack Query over the route table. Queries are keyed by what they show;
 * every change an officer or trader makes refreshes the declaration, its history and the lists
 * it appears in. The cache is cleared at sign-out (what a trader and an officer see differ).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import * as z from 'zod';
import type { DeclarationInput, DeclarationStatus } from '#shared/domain/declaration.ts';
import type { DeclarationView } from '#shared/domain/declaration-record.ts';
import type { DocumentUploadRequest } from '#shared/domain/documents.ts';
import type { InspectionRequest } from '#shared/domain/inspection.ts';
import type { CancelRequest, DecisionRequest } from '#shared/domain/review.ts';
import type { OperationSpec } from '#shared/http/operation-spec.ts';
import {
  amendDeclarationOperation,
  cancelDeclarationOperation,
  getDeclarationAmendmentOperation,
  getDeclarationOperation,
  listDeclarationEventsOperation,
  listDeclarationsOperation,
  requestDocumentUploadOperation,
} from '#shared/http/operations/declarations.ts';
import { declarationIdParameter } from '#shared/http/operations/parameters.ts';
import {
  claimDeclarationOperation,
  decideOnDeclarationOperation,
  recordInspectionOperation,
  releaseClaimOperation,
  reviewQueueOperation,
} from '#shared/http/operations/review.ts';
import { getDocumentOperation, listDeclarationDocumentsOperation } from '#shared/http/operations/sealed-documents.ts';
import { useSession } from '../session.tsx';
import { ApiError, type CallOptions, call, type Success } from './client.ts';

export const queryKeys = {
  demoUsers: ['demo-users'] as const,
  reviewQueue: (filters: QueueFilters, cursor: string | undefined) => ['review-queue', filters, cursor ?? null] as const,
  reviewQueueAll: ['review-queue'] as const,
  declaration: (id: string) => ['declaration', id] as const,
  events: (id: string) => ['declaration', id, 'events'] as const,
  amendment: (id: string, n: number) => ['declaration', id, 'amendments', n] as const,
  declarationDocuments: (id: string) => ['declaration', id, 'documents'] as const,
  documentDownload: (documentId: string) => ['document', documentId] as const,
  myDeclarations: (status: DeclarationStatus | undefined, cursor: string | undefined) =>
    ['declarations', status ?? null, cursor ?? null] as const,
  myDeclarationsAll: ['declarations'] as const,
};

export interface QueueFilters {
  lane?: 'RED' | 'YELLOW' | 'FAILED' | undefined;
  office?: string | undefined;
  /** Only those waiting longer than this many hours. */
  minAgeHours?: number | undefined;
}

/** `call` with the signed-in user's token. */
export function useCall() {
  const { session } = useSession();
  const token = session?.token;
  return useCallback(
    <O extends OperationSpec>(operation: O, options: Omit<CallOptions, 'token'> = {}): Promise<Success<O>> =>
      call(operation, { ...options, token }),
    [token],
  );
}

/** Retries what may pass on a second try (no answer, 5xx), never a refusal. */
export const retry = (failures: number, error: unknown): boolean =>
  failures < 2 && error instanceof ApiError && (error.kind === 'network' || error.status >= 500);

export const PAGE_SIZE = 25;

export function useReviewQueue(filters: QueueFilters, cursor: string | undefined) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.reviewQueue(filters, cursor),
    queryFn: ({ signal }) =>
      api(reviewQueueOperation, {
        query: {
          lane: filters.lane,
          office: filters.office,
          minAgeHours: filters.minAgeHours === undefined ? undefined : String(filters.minAgeHours),
          cursor,
          limit: String(PAGE_SIZE),
        },
        signal,
      }),
    placeholderData: keepPreviousData,
    // New arrivals and colleagues' claims show up without a reload.
    refetchInterval: 30_000,
    retry,
  });
}

/** Whether `id` can name a declaration at all (the route table's own path check): no request otherwise. */
export const isDeclarationId = (id: string): boolean => declarationIdParameter.safeParse(id).success;

/** Statuses the pipeline moves on from by itself within seconds: worth watching. */
const moving = new Set<DeclarationStatus>(['SUBMITTED', 'VALIDATED', 'SCORED', 'ASSESSED']);

/**
 * A declaration, read again every 2 s while the pipeline moves it on; `watch` reads it again every
 * second meanwhile too (a page waiting for something, such as an uploaded document being checked).
 */
export function useDeclaration(id: string, watch = false) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.declaration(id),
    queryFn: ({ signal }) => api(getDeclarationOperation, { path: { id }, signal }),
    enabled: isDeclarationId(id),
    // Follows a declaration through validation, risk and duty until it settles.
    refetchInterval: (query) => (watch ? 1_000 : query.state.data && moving.has(query.state.data.status) ? 2_000 : false),
    retry,
  });
}

/**
 * A declaration's documents (issued under the customs seal, uploaded by the trader). Its documents
 * are issued from their own queue shortly after assessment and release: read again every 5 s
 * while a released declaration has no release note yet.
 */
export function useDeclarationDocuments(id: string, released: boolean) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.declarationDocuments(id),
    queryFn: ({ signal }) => api(listDeclarationDocumentsOperation, { path: { id }, signal }),
    enabled: isDeclarationId(id),
    refetchInterval: (query) => (released && !query.state.data?.items.some((document) => document.kind === 'RELEASE_NOTE') ? 5_000 : false),
    retry,
  });
}

/**
 * A document's short-lived download links, once asked for. An issued document's PDF not printed
 * yet is printed on this request: the answer says `printing` and when to ask again, and it is asked
 * again then until the PDF's link is there.
 */
export function useDocumentDownload(documentId: string, enabled: boolean) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.documentDownload(documentId),
    queryFn: ({ signal }) => api(getDocumentOperation, { path: { docId: documentId }, signal }),
    enabled,
    refetchInterval: (query) => {
      const pdf = query.state.data?.pdf;
      return pdf?.status === 'printing' ? pdf.retryAfterSeconds * 1000 : false;
    },
    // The links expire after 5 minutes: older ones are asked for again.
    staleTime: 60_000,
    retry,
  });
}

/** The declaration as it stood as amendment `n` (0: as first submitted): it never changes. */
export function useAmendment(id: string, n: number) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.amendment(id, n),
    queryFn: ({ signal }) => api(getDeclarationAmendmentOperation, { path: { id, n: String(n) }, signal }),
    enabled: isDeclarationId(id) && Number.isInteger(n) && n >= 0,
    staleTime: Number.POSITIVE_INFINITY,
    retry,
  });
}

/** The declarations of a page of the trader's list, each read whole (lane and amount due are on the declaration, not the summary). */
export function useDeclarationEvents(id: string) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.events(id),
    queryFn: ({ signal }) => api(listDeclarationEventsOperation, { path: { id }, signal }),
    retry,
  });
}

export function useMyDeclarations(status: DeclarationStatus | undefined, cursor: string | undefined) {
  const api = useCall();
  return useQuery({
    queryKey: queryKeys.myDeclarations(status, cursor),
    queryFn: ({ signal }) => api(listDeclarationsOperation, { query: { status, cursor, limit: String(PAGE_SIZE) }, signal }),
    placeholderData: keepPreviousData,
    retry,
  });
}

/** The roles the console has pages for (partner agency users have none yet: they use the API). */
const consoleRoles = ['trader', 'officer', 'admin'] as const;
const demoUserSchema = z.object({
  username: z.string(),
  role: z.enum(consoleRoles),
  party: z.string().nullable(),
  name: z.string(),
  sub: z.string(),
});
export type DemoUser = z.infer<typeof demoUserSchema>;

/** The local cloud's demo users (`GET /local/demo-users`); a 404 means this is not the local cloud. */
export function useDemoUsers() {
  return useQuery({
    queryKey: queryKeys.demoUsers,
    queryFn: async ({ signal }) => {
      let response: Response;
      try {
        response = await fetch('/local/demo-users', { signal, headers: { accept: 'application/json' } });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new ApiError('network', 0, 'The local cloud did not answer');
      }
      if (!response.ok) throw new ApiError('http', response.status, 'No demo users here');
      const parsed = z.object({ items: z.array(z.object({ role: z.string() }).loose()) }).safeParse(await response.json());
      if (!parsed.success) throw new ApiError('unexpected-answer', response.status, 'The demo user list has an unexpected form');
      const users = parsed.data.items
        .filter((item) => (consoleRoles as readonly string[]).includes(item.role))
        .map((item) => demoUserSchema.safeParse(item));
      if (users.some((user) => !user.success))
        throw new ApiError('unexpected-answer', response.status, 'The demo user list has an unexpected form');
      return users.flatMap((user) => (user.success ? [user.data] : []));
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry,
  });
}

/** Refreshes what a change to declaration `id` affects (also its history); resolves once the declaration is read again. */
export function useRefresh(id: string) {
  const client = useQueryClient();
  return useCallback(async () => {
    await Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.declaration(id) }),
      client.invalidateQueries({ queryKey: queryKeys.reviewQueueAll }),
      client.invalidateQueries({ queryKey: queryKeys.myDeclarationsAll }),
    ]);
  }, [client, id]);
}

export function useClaim(id: string) {
  const api = useCall();
  const refresh = useRefresh(id);
  return useMutation({ mutationFn: () => api(claimDeclarationOperation, { path: { id } }), onSuccess: refresh });
}

export function useReleaseClaim(id: string) {
  const api = useCall();
  const refresh = useRefresh(id);
  return useMutation({ mutationFn: () => api(releaseClaimOperation, { path: { id } }), onSuccess: refresh });
}

export function useDecide(id: string) {
  const api = useCall();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: ({ request, version }: { request: DecisionRequest; version: number }) =>
      api(decideOnDeclarationOperation, { path: { id }, body: request, ifMatch: version }),
    onSuccess: refresh,
  });
}

export function useInspect(id: string) {
  const api = useCall();
  const client = useQueryClient();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: ({ request, version }: { request: InspectionRequest; version: number }) =>
      api(recordInspectionOperation, { path: { id }, body: request, ifMatch: version }),
    onSuccess: async (view: DeclarationView) => {
      client.setQueryData(queryKeys.declaration(id), view);
      await refresh();
    },
  });
}

export function useCancel(id: string) {
  const api = useCall();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (request: CancelRequest) => api(cancelDeclarationOperation, { path: { id }, body: request }),
    onSuccess: refresh,
  });
}

/** Asks for an upload URL for one requested document (the bytes are PUT to it by `trader/upload.ts`). */
export function useRequestUpload(id: string) {
  const api = useCall();
  return useMutation({
    mutationFn: (request: DocumentUploadRequest) => api(requestDocumentUploadOperation, { path: { id }, body: request }),
  });
}

/** Sends the full amended body with the version it was made from (If-Match). */
export function useAmend(id: string) {
  const api = useCall();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: ({ declaration, version }: { declaration: DeclarationInput; version: number }) =>
      api(amendDeclarationOperation, { path: { id }, body: declaration, ifMatch: version }),
    // The declaration's key prefixes its history's: both are read again.
    onSuccess: refresh,
  });
}
