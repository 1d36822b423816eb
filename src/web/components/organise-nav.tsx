import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';

const sections = [
  { href: '/organise', key: 'issues' },
  { href: '/organise/health', key: 'health' },
  { href: '/organise/principal', key: 'principal' },
  { href: '/organise/criticism', key: 'criticism' },
  { href: '/organise/members', key: 'members' },
] as const;

/** The organisers' sections, under the header on every organiser page. */
export function OrganiseNav() {
  const { t } = useTranslation();
  const [location] = useLocation();
  const current = [...sections]
    .reverse()
    .find((s) => (s.href === '/organise' ? location === '/organise' || location.startsWith('/organise/issues') : location.startsWith(s.href)));
  return (
    <nav className="sub-nav" aria-label={t('organiseNav.label')}>
      <ul>
        {sections.map((s) => (
          <li key={s.key}>
            <Link href={s.href} aria-current={current?.key === s.key ? 'page' : undefined}>
              {t(`organiseNav.${s.key}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
