import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { hasRole, useSession } from '../session.js';
import { OrganiseNav } from './organise-nav.js';
import { LiveProvider, useLiveStatus } from '../api/use-live.js';

function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const [location] = useLocation();
  const current = href === '/' ? location === '/' || location.startsWith('/issues') : location.startsWith(href);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** Whether the page follows changes as they happen: shown only while a member is logged in. */
function LiveStatus() {
  const { t } = useTranslation();
  const status = useLiveStatus();
  if (status === 'off') return null;
  return (
    <span className={`live-status live-status--${status}`} title={t(`live.${status}Hint`)} data-testid="live-status" data-status={status}>
      {t(`live.${status}`)}
    </span>
  );
}

/** The frame of every page: a skip link, the organisation, live updates, the navigation for the reader's role, and the main landmark. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, logout } = useSession();
  const [location, navigate] = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a client-side navigation, move focus to the new page, as a full load would.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location]);
  const organiser = hasRole(me, 'organiser');
  return (
    <LiveProvider orgId={me?.organisation.id}>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link href="/" className="brand">
            {t('layout.brand')}
          </Link>
          {me && <span className="org-name">{me.organisation.name}</span>}
          <LiveStatus />
          <nav aria-label={t('layout.navigation')}>
            <ul>
              {me && (
                <li>
                  <NavLink href="/">{t('layout.issues')}</NavLink>
                </li>
              )}
              {organiser && (
                <li>
                  <NavLink href="/organise">{t('layout.organise')}</NavLink>
                </li>
              )}
              {me && (
                <li>
                  <NavLink href="/me/input">{t('layout.myInput')}</NavLink>
                </li>
              )}
              {me && (
                <li>
                  <NavLink href="/criticism">{t('layout.criticise')}</NavLink>
                </li>
              )}
              {me ? (
                <li>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      logout().then(
                        () => navigate('/'),
                        (e: unknown) => console.error('logout failed: the session is still open', e),
                      );
                    }}
                  >
                    {t('layout.logout')}
                  </button>
                </li>
              ) : (
                me === null && (
                  <li>
                    <NavLink href="/login">{t('layout.login')}</NavLink>
                  </li>
                )
              )}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {organiser && location.startsWith('/organise') && <OrganiseNav />}
        {children}
      </main>
    </LiveProvider>
  );
}
