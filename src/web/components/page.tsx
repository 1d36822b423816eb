import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/** A page's heading and the document title; `back` leads one level up. */
export function PageHeading({
  title,
  kicker,
  back,
  children,
}: {
  title: string;
  kicker?: ReactNode;
  back?: { href: string; label: string };
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('layout.brand')}`;
  }, [title, t]);
  return (
    <div className="page-heading">
      {back && (
        <p className="page-heading__back">
          <Link href={back.href}>
            <span aria-hidden="true">← </span>
            {back.label}
          </Link>
        </p>
      )}
      {kicker && <p className="page-heading__kicker">{kicker}</p>}
      <h1>{title}</h1>
      {children}
    </div>
  );
}
