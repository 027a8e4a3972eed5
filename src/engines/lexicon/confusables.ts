/** The confusable sets live in src/text/confusables.ts (the guard and the corruption module use them too). */
export { CONFUSABLE_SETS, CONFUSABLES } from "../../text/confusables.ts";
