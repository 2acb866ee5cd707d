/**
 * Who sits at the keyboard: the CLI sends SUPPORT_OPERATOR or the OS user in this header, and an unmasked
 * read records it beside the token's owner (a shared or borrowed token still says who used it).
 */
export const OPERATOR_HEADER = 'x-support-operator';
