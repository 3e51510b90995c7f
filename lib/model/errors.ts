/**
 * A problem in what people wrote (a cluster definition, a version pin) rather than a bug: the synth prints its
 * message, without a stack trace, and exits 1 before writing anything.
 */
export class UserInputError extends Error {}
