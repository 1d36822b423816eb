import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { glossaryAnchor, glossaryEntries, type GlossaryEntry } from './glossary-entries.js';

/** The glossary as a list of terms, each with its anchor; `titled` gives it its own heading (on a page about something else). */
export function Glossary({ titled = true }: { titled?: boolean }) {
  const { t } = useTranslation();
  return (
    <section className="glossary" {...(titled ? { 'aria-labelledby': 'glossary-heading' } : { 'aria-label': t('glossary.title') })}>
      {titled && <h2 id="glossary-heading">{t('glossary.title')}</h2>}
      <p className="hint">{t('glossary.lead')}</p>
      <dl className="glossary__list">
        {glossaryEntries.map((entry) => (
          <div key={entry} id={glossaryAnchor(entry)} className="glossary__entry">
            <dt>{t(`glossary.entries.${entry}.term`)}</dt>
            <dd>{t(`glossary.entries.${entry}.text`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/**
 * A figure's name as a link to its glossary entry. `page` is where the glossary is: this page
 * (the health page carries it) or the glossary page.
 */
export function GlossaryLink({ entry, children, page = 'here' }: { entry: GlossaryEntry; children: ReactNode; page?: 'here' | 'glossary' }) {
  const href = `${page === 'here' ? '' : '/glossary'}#${glossaryAnchor(entry)}`;
  return (
    <a className="glossary-link" href={href}>
      {children}
    </a>
  );
}
