import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, type MeDto } from './api/client.js';
import { roleAtLeast, type Role } from '../core/vocabulary.js';

export interface Session {
  /** undefined while asking the server, null without a session. */
  me: MeDto | null | undefined;
  /** After login, joining or logout. */
  setMe(me: MeDto | null): void;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<MeDto | null | undefined>(undefined);
  useEffect(() => {
    let current = true;
    api.me().then(
      (m) => current && setMe(m),
      () => current && setMe(null),
    );
    return () => {
      current = false;
    };
  }, []);
  const logout = useCallback(async () => {
    await api.logout();
    setMe(null);
  }, []);
  const value = useMemo(() => ({ me, setMe, logout }), [me, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Whether the session's member has at least `role`. */
export function hasRole(me: MeDto | null | undefined, role: Role): boolean {
  return !!me && roleAtLeast(me.member.role, role);
}
