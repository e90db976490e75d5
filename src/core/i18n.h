/*
 * i18n.h - translation of user-visible text.
 *
 * Source strings (msgids) are English; Vietnamese is the default language and
 * comes from the gettext catalogue po/vi.po, compiled by the build into
 * LOCALEDIR/C.UTF-8/LC_MESSAGES/khuyenhoc.mo. The language is chosen per
 * request, so translation goes through dgettext() on a fixed text domain
 * rather than through the process locale: the process runs in C.UTF-8 and the
 * catalogue directory is named after it. English returns the msgid itself.
 */
#ifndef KH_CORE_I18N_H
#define KH_CORE_I18N_H

#define KH_LANG_DEFAULT "vi"

/*
 * Set up gettext once at start-up. localedir may be NULL: then
 * $KHUYENHOC_LOCALEDIR, else the "locale" folder beside the executable.
 */
void i18n_init(const char *localedir);

/* Translate msgid into lang ("vi" or "en"); never NULL. */
const char *i18n_tr(const char *lang, const char *msgid);

/* Translate a msgid that has a plural form. */
const char *i18n_trn(const char *lang, const char *msgid,
    const char *msgid_plural, unsigned long n);

/* Normalise a requested language to a supported one ("vi" or "en"). */
const char *i18n_lang(const char *requested);

#endif
