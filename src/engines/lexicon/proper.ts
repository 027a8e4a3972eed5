/**
 * Words that English always writes with a capital: months, weekdays, continents, countries, nations and
 * their languages, US states, faiths, and large places. The dictionary is lower-case, so without this
 * list a correction such as "jeptember" → "september" or "apanese" → "japanese" would lose its capital.
 * Words that are also ordinary lower-case words (may, march, china, turkey, polish, chad, nice, reading,
 * jersey, bath, mobile, sun, wed, sat) are left out on purpose.
 */
/** The words, separated by single spaces, with a space before the first and after the last. */
const WORDS =
  " " +
  (
    // months and days
    "january february april june july august september october november december " +
    "monday tuesday wednesday thursday friday saturday sunday " +
    // continents, regions
    "africa african asia asian europe european america american americas antarctica antarctic arctic australia australian oceania " +
    "caribbean mediterranean atlantic pacific scandinavia scandinavian balkan balkans siberia siberian middle-east latin " +
    // countries and their adjectives / languages
    "afghanistan afghan albania albanian algeria algerian andorra angola angolan argentina argentine argentinian armenia armenian " +
    "austria austrian azerbaijan azerbaijani bahamas bahrain bangladesh bangladeshi barbados belarus belarusian belgium belgian " +
    "belize benin bhutan bolivia bolivian bosnia bosnian botswana brazil brazilian brunei bulgaria bulgarian burma burmese burundi " +
    "cambodia cambodian cameroon canada canadian chile chilean chinese colombia colombian congo congolese croatia croatian cuba cuban " +
    "cyprus cypriot czech czechia denmark danish djibouti dominica ecuador egypt egyptian eritrea estonia estonian eswatini ethiopia " +
    "ethiopian fiji finland finnish france french gabon gambia germany german ghana ghanaian greece greek grenada guatemala " +
    "guatemalan guyana haiti haitian honduras hungary hungarian iceland icelandic india indian indonesia indonesian iran iranian " +
    "iraq iraqi ireland irish israel israeli italy italian jamaica jamaican japan japanese jordanian kazakhstan kenya kenyan " +
    "kiribati korea korean kosovo kuwait kyrgyzstan laos latvia latvian lebanon lebanese lesotho liberia libya libyan " +
    "liechtenstein lithuania lithuanian luxembourg madagascar malawi malaysia malaysian maldives mali malta maltese mauritania " +
    "mauritius mexico mexican micronesia moldova monaco mongolia mongolian montenegro morocco moroccan mozambique myanmar namibia " +
    "nauru nepal nepali netherlands dutch nicaragua niger nigeria nigerian norway norwegian oman pakistan pakistani palau " +
    "palestine palestinian panama paraguay peru peruvian philippines filipino poland portugal portuguese qatar romania romanian " +
    "russia russian rwanda samoa senegal serbia serbian seychelles singapore slovakia slovak slovenia slovenian somalia somali " +
    "spain spanish sudan suriname sweden swedish switzerland swiss syria syrian taiwan taiwanese tajikistan tanzania thailand thai " +
    "togo tonga trinidad tunisia tunisian turkish turkmenistan tuvalu uganda ukraine ukrainian uruguay uzbekistan vanuatu " +
    "vatican venezuela venezuelan vietnam vietnamese yemen zambia zimbabwe " +
    "britain british england english scotland scottish scots wales welsh uk usa ussr soviet " +
    "arabic arab arabian hebrew hindi urdu bengali punjabi tamil persian swahili yiddish sanskrit mandarin cantonese latin " +
    "celtic gaelic basque catalan flemish kurdish tibetan hawaiian " +
    // US states
    "alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii idaho illinois indiana iowa kansas " +
    "kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma " +
    "oregon pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming carolina dakota " +
    // faiths
    "christian christians christianity catholic catholicism protestant islam islamic muslim muslims jewish judaism hindu hinduism " +
    "buddhist buddhism sikh bible biblical christ christmas easter koran quran torah " +
    // large places
    "london paris berlin rome madrid moscow tokyo beijing shanghai sydney melbourne toronto montreal vancouver chicago boston " +
    "york manhattan brooklyn angeles francisco philadelphia detroit seattle atlanta dallas houston miami vienna prague budapest " +
    "warsaw amsterdam brussels lisbon dublin edinburgh glasgow manchester liverpool birmingham oxford cambridge athens istanbul " +
    "cairo delhi mumbai bombay calcutta kolkata bangkok singapore jakarta manila seoul hong kong taipei osaka kyoto stockholm " +
    "oslo copenhagen helsinki zurich geneva munich frankfurt hamburg milan venice florence naples barcelona jerusalem " +
    "baghdad tehran kabul karachi lahore dhaka nairobi lagos johannesburg" +
    ""
  ) +
  " ";

/**
 * Whether a word is one of them: a search for " word " in their text, where a set built from it cost every
 * one-liner's interpreted start-up ~0.9 M instructions (a word with a space in it is none of them).
 */
export const PROPER: { has(word: string): boolean } = {
  has: (word) => word.length > 0 && !word.includes(" ") && WORDS.includes(` ${word} `),
};

/** Every word (tests check that the text holds single spaces only). */
export const PROPER_WORDS_TEXT = WORDS;
