/**
 * The default list of free-mail and disposable (throwaway) email domains. A free address is not fraud by
 * itself — most honest customers use one — which is why the rule's default weight is low; disposable
 * domains are here because a throwaway inbox is the usual companion of a stolen card. Merchants edit the
 * list in the fraud settings.
 */
export const DEFAULT_FREE_EMAIL_DOMAINS: readonly string[] = [
  // Free mail
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'ymail.com', 'rocketmail.com',
  'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'outlook.com', 'live.com', 'msn.com', 'aol.com',
  'icloud.com', 'me.com', 'mac.com', 'mail.com', 'gmx.com', 'gmx.net', 'gmx.de', 'web.de',
  'yandex.com', 'yandex.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'rambler.ru',
  'protonmail.com', 'proton.me', 'pm.me', 'tutanota.com', 'tuta.io', 'zoho.com', 'qq.com', '163.com',
  '126.com', 'sina.com', 'naver.com', 'hanmail.net', 'rediffmail.com', 'libero.it', 'laposte.net',
  'orange.fr', 'free.fr', 't-online.de',
  // Disposable
  'mailinator.com', 'guerrillamail.com', 'guerrillamail.net', 'sharklasers.com', 'grr.la',
  '10minutemail.com', '10minutemail.net', 'temp-mail.org', 'tempmail.com', 'tempmail.net', 'tempr.email',
  'throwawaymail.com', 'yopmail.com', 'yopmail.fr', 'trashmail.com', 'trashmail.de', 'getnada.com',
  'nada.email', 'dispostable.com', 'maildrop.cc', 'mailnesia.com', 'mintemail.com', 'mohmal.com',
  'fakeinbox.com', 'emailondeck.com', 'spamgourmet.com', 'mailcatch.com', 'burnermail.io',
  'discard.email', 'mytemp.email', 'tempinbox.com', 'moakt.com', 'harakirimail.com', 'anonbox.net',
];
