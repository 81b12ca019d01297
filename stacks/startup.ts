/**
 * Imported first by main.ts: two start-up costs of cdktf that buy nothing in
 * a normal synth, measured here at about 200 ms of a 1.4 s synth.
 *
 * 1. tsx turns on Node's source-map support, which decodes the inline source
 *    map of every cdktf and provider module and maps every frame of every
 *    stack trace.
 * 2. cdktf captures a full stack trace, as text, for every token it creates
 *    (each `resource.id`), into a plain object, only to quote it in a rare
 *    error. The formatter below skips the text for those captures and formats
 *    real Errors the way V8 does.
 *
 * CDKTF_SOURCE_MAPS=1 restores Node's defaults when debugging a crash.
 */
if (process.env.CDKTF_SOURCE_MAPS !== '1') {
  process.setSourceMapsEnabled(false);
  Error.prepareStackTrace = (target: unknown, frames: NodeJS.CallSite[]): string => {
    if (!(target instanceof Error)) return '';
    const head = target.message ? `${target.name}: ${target.message}` : target.name;
    return [head, ...frames.map((frame) => `    at ${String(frame)}`)].join('\n');
  };
}
