import { useTranslation } from 'react-i18next';
import { Glossary } from '../components/glossary.js';
import { PageHeading } from '../components/page.js';

/** The glossary on its own page, for links from pages that do not carry it. */
export function GlossaryPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('glossary.title')} />
      <Glossary titled={false} />
    </>
  );
}
