import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { ApiError } from '../api/client.js';
import type { Resource } from '../api/use-resource.js';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state--loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
    </p>
  );
}

/** What went wrong, in the reader's words, with the server's own detail and a way on. */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const title =
    error.status === 0
      ? t('error.network')
      : error.status === 401
        ? t('error.unauthenticated')
        : error.status === 403
          ? t('error.forbidden')
          : error.status === 404
            ? t('error.notFound')
            : error.status >= 500
              ? t('error.server')
              : t('error.refused');
  return (
    <div className="notice notice--error" role="alert">
      <p className="notice__title">{title}</p>
      {error.status > 0 && error.status < 500 && error.message && <p className="notice__detail">{error.message}</p>}
      {error.status === 401 && (
        <p>
          <Link href="/login">{t('error.login')}</Link>
        </p>
      )}
      {onRetry && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <p className="state__title">{title}</p>
      {children}
    </div>
  );
}

/** A resource's three states: loading, failed (with "try again"), and loaded. */
export function Loaded<T>({ resource, children }: { resource: Resource<T>; children: (data: T) => ReactNode }) {
  if (resource.data !== undefined) return <>{children(resource.data)}</>;
  if (resource.error) return <ErrorNotice error={resource.error} onRetry={resource.reload} />;
  return <Loading />;
}

/** A notice that a write succeeded, read out by screen readers. */
export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice--success" role="status">
      {children}
    </div>
  );
}
