/**
 * Countries as staff know them: the filter offers names ("United Kingdom (GB)") and sends the API the
 * ISO 3166-1 alpha-2 code it takes. The codes are the server's list (src/shared/countries.ts; a test
 * keeps the two equal); the names come from the browser's Intl data, so none are kept here.
 */
const CODES =
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
  'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
  'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
  'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
  'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW';
export const COUNTRY_CODES: readonly string[] = CODES.split(' ');
const KNOWN = new Set(COUNTRY_CODES);

// English, like the rest of the back office; an engine without region names shows the codes.
const names = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  } catch {
    return null;
  }
})();

export const countryName = (code: string): string => names?.of(code) ?? code;

/** "United Kingdom (GB)"; a value that is no known code is shown as it is. */
export const countryLabel = (code: string): string => (KNOWN.has(code) ? `${countryName(code)} (${code})` : code);

/** Every country, by name, as the filter's suggestions. */
export const COUNTRY_OPTIONS: readonly { code: string; label: string }[] = COUNTRY_CODES
  .map((code) => ({ code, label: countryLabel(code) }))
  .sort((a, b) => a.label.localeCompare(b.label, 'en'));

const fold = (text: string) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[’']/g, "'").toLowerCase().trim();
const BY_NAME = new Map(COUNTRY_CODES.map((code) => [fold(countryName(code)), code]));

/**
 * What staff typed or picked, as a code: "gb", "United Kingdom (GB)" (a suggestion picked) or the name
 * itself, in any case and with or without accents ("cote d'ivoire"); null when it is none of them.
 */
export function parseCountry(text: string): string | null {
  const value = text.trim();
  const code = (/^([a-z]{2})$/i.exec(value) ?? /\(([a-z]{2})\)$/i.exec(value))?.[1]?.toUpperCase();
  if (code) return KNOWN.has(code) ? code : null;
  return BY_NAME.get(fold(value)) ?? null;
}
