/** Names for the ids the API records (officer ids are token subjects): you, a demo user, or the id itself. */
import { useCallback } from 'react';
import { useDemoUsers } from './api/hooks.ts';
import { useSession } from './session.tsx';

export function usePeople(): (id: string) => string {
  const { session } = useSession();
  const users = useDemoUsers();
  return useCallback(
    (id: string) => {
      if (session && id === session.subject) return `you (${session.name})`;
      return users.data?.find((user) => user.sub === id)?.name ?? id;
    },
    [session, users.data],
  );
}
