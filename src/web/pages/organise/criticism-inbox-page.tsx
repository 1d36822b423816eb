import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CriticismDto, type MeDto } from '../../api/client.js';
import { useResource } from '../../api/use-resource.js';
import { useSubmission } from '../../api/use-submission.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { Empty, ErrorNotice, Loaded, Success } from '../../components/states.js';
import { inboxOrder } from '../../criticism/order.js';
import { AGING_DAYS, Answers, CriticismFigures, CriticismTarget, DaysBadge } from '../../criticism/views.js';
import { useFormat } from '../../locale.js';
import { textLimits } from '../../../contract/limits.js';

/** The leadership's inbox of criticism from below: unanswered first, oldest first, each aging in public until it is answered. */
export function CriticismInboxPage() {
  return <RequireSession role="organiser">{(me) => <Inbox me={me} />}</RequireSession>;
}

function Inbox({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const list = useResource(() => api.criticisms(orgId), [orgId]);
  const [answered, setAnswered] = useState<string | null>(null);
  return (
    <>
      <PageHeading title={t('inbox.title')} kicker={me.organisation.name}>
        <p className="lead">{t('inbox.lead')}</p>
      </PageHeading>
      <Loaded resource={list}>
        {(d) => {
          const { waiting, answered: done } = inboxOrder(d.criticisms);
          return (
            <>
              <CriticismFigures list={d} />
              {answered && (
                <Success>
                  <p className="notice__title">{t('inbox.answeredNotice')}</p>
                  <p className="quote">{answered}</p>
                </Success>
              )}
              <section aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">{t('inbox.waiting', { count: waiting.length })}</h2>
                {waiting.length === 0 ? (
                  <Empty title={t('inbox.noneWaiting')}>
                    <p>{t('inbox.noneWaitingHint')}</p>
                  </Empty>
                ) : (
                  <ol className="plain-list" aria-labelledby="waiting-heading">
                    {waiting.map((c) => (
                      <InboxItem
                        key={c.id}
                        orgId={orgId}
                        criticism={c}
                        onAnswered={(text) => {
                          setAnswered(text);
                          list.reload();
                        }}
                      />
                    ))}
                  </ol>
                )}
              </section>
              <section aria-labelledby="answered-heading">
                <h2 id="answered-heading">{t('inbox.answered', { count: done.length })}</h2>
                {done.length === 0 ? (
                  <Empty title={t('inbox.noneAnswered')} />
                ) : (
                  <ul className="plain-list" aria-labelledby="answered-heading">
                    {done.map((c) => (
                      <li key={c.id} className="card criticism" aria-labelledby={`answered-${c.id}`}>
                        <CriticismHead criticism={c} headingId={`answered-${c.id}`} />
                        <Answers criticism={c} />
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function CriticismHead({ criticism: c, headingId }: { criticism: CriticismDto; headingId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <p className="criticism__badges">
        <DaysBadge criticism={c} />
      </p>
      <h3 className="criticism__target" id={headingId}>
        <CriticismTarget target={c.target} />
      </h3>
      <p className="criticism__text prewrap">{c.text}</p>
      <p className="meta">
        {t('criticism.item.dates', { written: f.date(c.writtenOn, { dateStyle: 'medium', timeZone: 'UTC' }), published: f.date(c.publishedAt) })} ·{' '}
        {t('criticism.item.seconds', { count: c.seconds })}
      </p>
    </>
  );
}

function InboxItem({ orgId, criticism: c, onAnswered }: { orgId: string; criticism: CriticismDto; onAnswered: (text: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState('');
  const { busy, error, run } = useSubmission();
  const aging = c.ageDays >= AGING_DAYS;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const answer = await api.answerCriticism(orgId, c.id, { text: text.trim() });
      setText('');
      onAnswered(answer.text);
    });
  }

  return (
    <li className={aging ? 'card criticism inbox-item inbox-item--aging' : 'card criticism inbox-item'} aria-labelledby={`${id}-heading`}>
      <CriticismHead criticism={c} headingId={`${id}-heading`} />
      <form className="form inbox-item__form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-answer`}>{t('inbox.answerLabel')}</label>
          <p className="hint" id={`${id}-hint`}>
            {t('inbox.answerHint')}
          </p>
          <textarea
            id={`${id}-answer`}
            aria-describedby={`${id}-hint`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={3}
            minLength={textLimits.criticismAnswer.min}
            maxLength={textLimits.criticismAnswer.max}
            required
          />
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy || text.trim().length < 3}>
          {busy ? t('inbox.answering') : t('inbox.answer')}
        </button>
      </form>
    </li>
  );
}
