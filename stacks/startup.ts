/**
 * Imported first by main.ts. tsx turns on Node's source-map support, which
 * makes Node decode the inline source map of every module cdktf and the
 * providers load, and map every frame of the stack trace cdktf captures for
 * each token it creates. Measured here: about 150 ms of a 1.4 s synth, for
 * stack traces nobody reads. Set CDKTF_SOURCE_MAPS=1 when debugging a crash.
 */
if (process.env.CDKTF_SOURCE_MAPS !== '1') process.setSourceMapsEnabled(false);
