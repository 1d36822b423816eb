/** The parts of criticism from below that the member's page and the organisers' inbox both show. */
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, type CriticismDto, type CriticismListDto } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { Loaded } from '../components/states.js';
import { useFormat } from '../locale.js';
import { roles, type Role } from '../../core/vocabulary.js';

/** From this many days without an answer a criticism is marked as aging. */
export const AGING_DAYS = 7;

/** Whole or fractional days, in the reader's locale, at most one decimal. */
export function useDays(): (days: number) => string {
  const { t } = useTranslation();
  const f = useFormat();
  return (days) => t('criticism.days', { count: days, days: f.number(days, { maximumFractionDigits: 1 }) });
}

/** What a criticism is about. */
export function CriticismTarget({ target }: { target: CriticismDto['target'] }) {
  const { t } = useTranslation();
  if (target.kind === 'leadership') return <>{t('criticism.target.leadership')}</>;
  return <>{t(`criticism.target.${target.kind === 'issue' ? 'issue' : 'line'}`, { title: target.title ?? t('criticism.target.unknown') })}</>;
}

/** Unanswered: how long it has waited (a warning from AGING_DAYS on); answered: how long the answer took. */
export function DaysBadge({ criticism: c }: { criticism: CriticismDto }) {
  const { t } = useTranslation();
  const days = useDays();
  if (c.daysToAnswer !== null) return <span className="badge badge--published">{t('criticism.answeredIn', { days: days(c.daysToAnswer) })}</span>;
  return <span className={c.ageDays >= AGING_DAYS ? 'badge badge--warning' : 'badge'}>{t('criticism.unansweredFor', { days: days(c.ageDays) })}</span>;
}

/** The bureaucracy figure and what waits: median days to answer, unanswered, the oldest, the next batch. */
export function CriticismFigures({ list }: { list: CriticismListDto }) {
  const { t } = useTranslation();
  const f = useFormat();
  const days = useDays();
  const b = list.bureaucracy;
  return (
    <dl className="figures criticism-figures">
      <div className="criticism-figures__main">
        <dt>{t('criticism.figures.median')}</dt>
        <dd>{b.medianDaysToAnswer === null ? t('criticism.figures.noneYet') : days(b.medianDaysToAnswer)}</dd>
      </div>
      <div>
        <dt>{t('criticism.figures.unanswered')}</dt>
        <dd>{t('criticism.figures.ofPublished', { count: b.published, unanswered: f.number(b.unanswered), published: f.number(b.published) })}</dd>
      </div>
      <div>
        <dt>{t('criticism.figures.oldest')}</dt>
        <dd className={b.oldestUnansweredDays !== null && b.oldestUnansweredDays >= AGING_DAYS ? 'figure--warning' : undefined}>
          {b.oldestUnansweredDays === null ? t('criticism.figures.noneWaiting') : days(Math.floor(b.oldestUnansweredDays))}
        </dd>
      </div>
      <div>
        <dt>{t('criticism.figures.pending')}</dt>
        <dd>
          {f.number(list.pending)}
          <span className="figures__note">{t('criticism.figures.asOf', { at: f.date(list.countsAsOf, { dateStyle: 'medium', timeStyle: 'short' }) })}</span>
          <span className="figures__note">
            {t('criticism.figures.nextBatch', { at: f.date(list.nextPublicationAt, { dateStyle: 'medium', timeStyle: 'short' }) })}
          </span>
        </dd>
      </div>
    </dl>
  );
}

/** The leadership's public answers, each with who gave it and when. */
export function Answers({ criticism: c }: { criticism: CriticismDto }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (c.answers.length === 0) return null;
  return (
    <div className="answers">
      <p className="answers__title">{t('criticism.answers', { count: c.answers.length })}</p>
      <ul className="plain-list">
        {c.answers.map((a) => (
          <li key={a.id} className="answer">
            <p className="answer__text prewrap">{a.text}</p>
            <p className="meta">
              {t('criticism.answeredBy', {
                name: a.by.displayName ?? t('criticism.someone'),
                role: isRole(a.by.role) ? t(`roles.${a.by.role}`) : t('criticism.someone'),
                at: f.date(a.answeredAt, { dateStyle: 'medium', timeStyle: 'short' }),
              })}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

function isRole(r: string | null): r is Role {
  return (roles as readonly (string | null)[]).includes(r);
}

/** On the organisers' desk: how the leadership is answering criticism, with the way to the inbox. */
export function CriticismSummary({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const days = useDays();
  const list = useResource(() => api.criticisms(orgId), [orgId]);
  return (
    <section className="card criticism-summary" aria-labelledby="criticism-summary-heading">
      <h2 id="criticism-summary-heading" className="card__title">
        {t('inbox.summary.title')}
      </h2>
      <Loaded resource={list}>
        {({ bureaucracy: b }) => (
          <>
            <dl className="figures figures--compact criticism-summary__figures">
              <div>
                <dt>{t('criticism.figures.unanswered')}</dt>
                <dd className={b.unanswered > 0 ? 'figure--warning' : undefined}>{t('number', { value: b.unanswered })}</dd>
              </div>
              <div>
                <dt>{t('criticism.figures.oldest')}</dt>
                <dd className={b.oldestUnansweredDays !== null && b.oldestUnansweredDays >= AGING_DAYS ? 'figure--warning' : undefined}>
                  {b.oldestUnansweredDays === null ? t('criticism.figures.noneWaiting') : days(Math.floor(b.oldestUnansweredDays))}
                </dd>
              </div>
              <div>
                <dt>{t('criticism.figures.median')}</dt>
                <dd>{b.medianDaysToAnswer === null ? t('criticism.figures.noneYet') : days(b.medianDaysToAnswer)}</dd>
              </div>
            </dl>
            <p>
              <Link href="/organise/criticism">{t('inbox.summary.open')}</Link>
            </p>
          </>
        )}
      </Loaded>
    </section>
  );
}
