import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { MeDto } from '../api/client.js';
import type { Role } from '../../core/vocabulary.js';
import { hasRole, useSession } from '../session.js';
import { Loading } from './states.js';
import { PageHeading } from './page.js';

/** Renders `children` for a session with at least `role`; otherwise says how to get in. */
export function RequireSession({ role = 'member', children }: { role?: Role; children: (me: MeDto) => ReactNode }) {
  const { t } = useTranslation();
  const { me } = useSession();
  if (me === undefined) return <Loading />;
  if (me === null) {
    return (
      <>
        <PageHeading title={t('session.neededTitle')} />
        <p>{t('session.needed')}</p>
        <p>
          <Link href="/login" className="button">
            {t('layout.login')}
          </Link>
        </p>
      </>
    );
  }
  if (!hasRole(me, role)) {
    return (
      <>
        <PageHeading title={t('session.forbiddenTitle')} />
        <p>{t('session.forbidden')}</p>
        <p>
          <Link href="/">{t('session.toIssues')}</Link>
        </p>
      </>
    );
  }
  return <>{children(me)}</>;
}
